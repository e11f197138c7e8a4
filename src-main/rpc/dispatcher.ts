// The single place every transport calls into: channel lookup, input validation, read-only guard, output validation.
import { contract, errorData, fieldLabel, type CallResult, type CommandName, type FieldIssue } from '../../src-common/contract/index.ts';
import { toErrorData } from './app-error.ts';
import type { CallContext, Handlers } from './handlers.ts';
import type { Logger } from '../ports/logger.ts';

export interface Dispatcher {
  call(name: string, payload: unknown, ctx: CallContext): Promise<CallResult<unknown>>;
}

export interface DispatcherOptions {
  /** true while an auditor review is active: every command with mutates:true is refused here, whatever the UI shows. */
  isReadOnly: () => boolean;
  logger: Logger;
}

function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

function issuesText(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`)
    .join('; ');
}

/** A zod issue as the fields it touches, in words: "Must be at least 30 seconds." under the label "Refresh lead". */
interface ZodIssueLike {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  expected?: string;
  values?: ReadonlyArray<unknown>;
  format?: string;
  prefix?: string;
  suffix?: string;
  includes?: string;
  keys?: ReadonlyArray<string>;
  divisor?: number;
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a set of values',
  bigint: 'a whole number',
  date: 'a date',
};
const FORMAT_WORDS: Record<string, string> = {
  url: 'a web address (https://…)',
  email: 'an email address',
  datetime: 'a date and time',
  date: 'a date',
  time: 'a time',
  uuid: 'an identifier in UUID form',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
};

function valueAt(payload: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = payload;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

const sentence = (s: string) => {
  const t = s.trim().replace(/[.\s]+$/, '');
  return t ? `${t[0]!.toUpperCase()}${t.slice(1)}.` : 'Is not valid.';
};

function boundWords(i: ZodIssueLike, unit: string | null, least: boolean): string {
  const n = Number(least ? i.minimum : i.maximum);
  const inclusive = i.inclusive !== false;
  if (i.origin === 'string') {
    if (least && n === 1 && inclusive) return 'must not be empty';
    return `must be ${least ? 'at least' : 'at most'} ${n} character${n === 1 ? '' : 's'}`;
  }
  if (i.origin === 'array' || i.origin === 'set') {
    if (least && n === 1 && inclusive) return 'must have at least one item';
    return `must have ${least ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
  }
  const u = unit ? ` ${unit}` : '';
  if (inclusive) return `must be ${least ? 'at least' : 'at most'} ${n}${u}`;
  return `must be ${least ? 'more' : 'less'} than ${n}${u}`;
}

/** the label of a path: its last named key, with the list position when the path ends in an index */
function pathLabel(path: ReadonlyArray<PropertyKey>): { label: string; unit: string | null } {
  const keys = path.map(String);
  const lastName = [...keys].reverse().find((k) => !/^\d+$/.test(k));
  if (!lastName) return { label: 'Input', unit: null };
  const l = fieldLabel(lastName);
  const tail = keys[keys.length - 1]!;
  return /^\d+$/.test(tail) ? { label: `${l.label} (item ${Number(tail) + 1})`, unit: l.unit } : l;
}

function issueWords(i: ZodIssueLike, payload: unknown, unit: string | null): string {
  switch (i.code) {
    case 'too_small':
      return boundWords(i, unit, true);
    case 'too_big':
      return boundWords(i, unit, false);
    case 'invalid_type':
      if (valueAt(payload, i.path) === undefined) return 'is required';
      return `must be ${TYPE_WORDS[i.expected ?? ''] ?? 'of another kind'}`;
    case 'invalid_value': {
      const values = (i.values ?? []).map(String);
      if (values.length === 1) return `must be ${values[0]}`;
      if (values.length > 0 && values.length <= 12) return `must be one of: ${values.join(', ')}`;
      return 'is not one of the allowed values';
    }
    case 'invalid_format':
      if (i.format === 'starts_with' && i.prefix) return `must start with “${i.prefix}”`;
      if (i.format === 'ends_with' && i.suffix) return `must end with “${i.suffix}”`;
      if (i.format === 'includes' && i.includes) return `must contain “${i.includes}”`;
      return FORMAT_WORDS[i.format ?? ''] ? `must be ${FORMAT_WORDS[i.format ?? '']}` : 'is not in the expected format';
    case 'not_multiple_of':
      return `must be a multiple of ${i.divisor ?? ''}`.trim();
    case 'invalid_union':
      return 'is not a value this accepts';
    case 'custom':
      // refinements in the contract carry an authored sentence
      return i.message;
    default:
      return 'is not valid';
  }
}

/** zod issues as the rejected fields in words (at most 8), and the one sentence a person reads */
export function issuesToFields(issues: ReadonlyArray<ZodIssueLike>, payload: unknown): { fields: FieldIssue[]; message: string } {
  const fields: FieldIssue[] = [];
  for (const i of issues) {
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys ?? []) fields.push({ field: [...i.path.map(String), k].join('.'), label: fieldLabel(k).label, message: 'Is not an option here.' });
      continue;
    }
    const { label, unit } = pathLabel(i.path);
    fields.push({ field: i.path.map(String).join('.') || '(input)', label, message: sentence(issueWords(i, payload, unit)) });
  }
  const shown = fields.slice(0, 8);
  const lower = (m: string) => (/^[A-Z][a-z]/.test(m) ? m[0]!.toLowerCase() + m.slice(1) : m);
  const parts = shown.map((f) => (f.field === '(input)' ? f.message : `${f.label}: ${lower(f.message)}`));
  if (fields.length > shown.length) parts.push(`${fields.length - shown.length} more values were rejected.`);
  return { fields: shown, message: parts.join(' ') || 'The values sent were not accepted.' };
}

export function createDispatcher(handlers: Handlers, opts: DispatcherOptions): Dispatcher {
  return {
    async call(name, payload, ctx) {
      if (typeof name !== 'string' || !isCommandName(name)) {
        return { ok: false, error: errorData('unknown_command', `Unknown command: ${String(name).slice(0, 80)}`) };
      }
      const def = contract[name];
      // Review mode is checked before the input: a mutating command is refused whatever it carries.
      // ...except the contract's localOnly commands (cache sync, ending review mode): the same rule in the app and in tests
      const localOnly = (def as { localOnly?: boolean }).localOnly === true;
      if (def.mutates && !localOnly && opts.isReadOnly()) {
        return { ok: false, error: errorData('review_mode_read_only', 'This change is not allowed: Grantdesk is in a read-only auditor review.') };
      }
      const parsed = def.input.safeParse(payload);
      if (!parsed.success) {
        const words = issuesToFields(parsed.error.issues as ReadonlyArray<ZodIssueLike>, payload);
        return { ok: false, error: errorData('invalid_input', words.message, words.fields) };
      }
      try {
        const handler = handlers[name] as (i: unknown, c: CallContext) => unknown;
        const value = await handler(parsed.data, ctx);
        const out = def.output.safeParse(value);
        if (!out.success) {
          opts.logger.error('invalid_output', { command: name, issues: issuesText(out.error.issues) });
          return { ok: false, error: errorData('invalid_output', 'Grantdesk produced a result it could not check, so it was not shown.') };
        }
        return { ok: true, value: out.data };
      } catch (err) {
        const data = toErrorData(err);
        if (data.code === 'internal') opts.logger.error('handler_failed', { command: name, error: err instanceof Error ? err.name : 'unknown' });
        return { ok: false, error: data };
      }
    },
  };
}
