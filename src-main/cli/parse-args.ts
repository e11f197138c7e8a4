import { contract, type CommandName } from '../../src-common/contract/index.ts';
import { arrayElementKind, fieldKind, isOptional, objectShape } from './schema-introspect.ts';

export class UsageError extends Error {}

export const GLOBAL_FLAGS = ['json', 'help', 'print-url', 'session-only', 'yes'] as const;
export type GlobalFlags = { [K in (typeof GLOBAL_FLAGS)[number]]: boolean };

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (k: string) => k.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * The command named by the leading words; the most specific match wins. A `--flag` among a command's words selects it
 * wherever the flag stands after the plain words (`scopes matrix --workspace x --csv` is `inventory.matrixCsv`), and is
 * not passed on as an option.
 */
export function findCommand(argv: readonly string[]): { name: CommandName; rest: string[] } | null {
  let best: { name: CommandName; len: number; plain: number; selectors: readonly string[] } | null = null;
  for (const name of Object.keys(contract) as CommandName[]) {
    const words = contract[name].cli?.words;
    if (!words) continue;
    const plain = words.filter((w) => !w.startsWith('--'));
    const selectors = words.filter((w) => w.startsWith('--'));
    if (plain.length > argv.length || !plain.every((w, i) => argv[i] === w)) continue;
    const after = argv.slice(plain.length);
    if (!selectors.every((f) => after.includes(f))) continue;
    if (!best || words.length > best.len) best = { name, len: words.length, plain: plain.length, selectors };
  }
  if (!best) return null;
  const { selectors } = best;
  return { name: best.name, rest: argv.slice(best.plain).filter((w) => !selectors.includes(w)) };
}

function coerce(key: string, raw: string, kind: string, elementKind = 'string'): unknown {
  if (kind === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${kebab(key)} expects a number, got "${raw}"`);
    return n;
  }
  if (kind === 'boolean') {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw new UsageError(`--${kebab(key)} expects true or false`);
  }
  if (kind === 'array') return raw.split(',').filter((x) => x !== '').map((x) => coerce(key, x, elementKind));
  if (kind === 'object') {
    try {
      return JSON.parse(raw);
    } catch {
      throw new UsageError(`--${kebab(key)} expects JSON`);
    }
  }
  return raw;
}

/** Turns the words after a command into its input object and the global flags. Types come from the contract's schema. */
export function parseCommandArgs(name: CommandName, rest: readonly string[]): { input: Record<string, unknown>; flags: GlobalFlags } {
  const def = contract[name];
  const shape = objectShape(def.input);
  const flags = Object.fromEntries(GLOBAL_FLAGS.map((f) => [f, false])) as GlobalFlags;
  const input: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (!word.startsWith('--')) {
      positionals.push(word);
      continue;
    }
    const [rawKey, inlineValue] = word.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if ((GLOBAL_FLAGS as readonly string[]).includes(rawKey) && !(camel(rawKey) in shape)) {
      flags[rawKey as keyof GlobalFlags] = true;
      continue;
    }
    const negated = rawKey.startsWith('no-') && !(camel(rawKey) in shape);
    const key = camel(negated ? rawKey.slice(3) : rawKey);
    const field = shape[key];
    if (!field) throw new UsageError(`Unknown option --${rawKey} for "${def.cli?.words.join(' ') ?? name}"`);
    const kind = fieldKind(field);
    if (kind === 'boolean' && inlineValue === undefined) {
      input[key] = !negated;
      continue;
    }
    const value = inlineValue ?? rest[++i];
    if (value === undefined) throw new UsageError(`--${rawKey} needs a value`);
    input[key] = coerce(key, value, kind, kind === 'array' ? arrayElementKind(field) : undefined);
  }
  const names = def.cli?.positionals ?? [];
  const variadic = def.cli?.variadic;
  for (const [idx, pname] of names.entries()) {
    if (pname === variadic) {
      const restWords = positionals.slice(idx);
      if (restWords.length > 0) input[pname] = restWords;
      positionals.length = idx;
      break;
    }
    const v = positionals[idx];
    if (v !== undefined) input[pname] = coerce(pname, v, fieldKind(shape[pname]!), 'string');
  }
  if (positionals.length > names.length && !variadic) throw new UsageError(`Too many arguments: ${positionals.slice(names.length).join(' ')}`);
  for (const pname of names) {
    if (!(pname in input) && shape[pname] && !isOptional(shape[pname]!)) throw new UsageError(`Missing <${pname}>`);
  }
  return { input, flags };
}

export function commandUsage(name: CommandName): string {
  const def = contract[name];
  const shape = objectShape(def.input);
  const pos = (def.cli?.positionals ?? []).map((p) => (p === def.cli?.variadic ? `[${p}…]` : `<${p}>`));
  const opts = Object.keys(shape)
    .filter((k) => !(def.cli?.positionals ?? []).includes(k))
    .map((k) => {
      const kind = fieldKind(shape[k]!);
      return kind === 'boolean' ? `[--${kebab(k)}]` : `[--${kebab(k)} ${kind === 'array' ? 'a,b' : kind === 'number' ? 'N' : 'VALUE'}]`;
    });
  const json = def.mutates ? '' : ' [--json]';
  return `grantdesk ${(def.cli?.words ?? [name]).join(' ')} ${[...pos, ...opts].join(' ')}${json}`.replace(/\s+/g, ' ').trim();
}
