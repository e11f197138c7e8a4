// The single place every transport calls into: channel lookup, input validation, read-only guard, output validation.
import { contract, errorData, type CallResult, type CommandName } from '../../src-common/contract/index.ts';
import { toErrorData } from './app-error.ts';
import type { CallContext, Handlers } from './handlers.ts';
import type { Logger } from '../ports/logger.ts';

export interface Dispatcher {
  call(name: string, payload: unknown, ctx: CallContext): Promise<CallResult<unknown>>;
}

export interface DispatcherOptions {
  /** true while an auditor review is active: every command with mutates:true is refused here, whatever the UI shows. */
  isReadOnly: () => boolean;
  /** review mode still allows the contract's localOnly mutating commands (cache sync, ending review mode); default false */
  allowLocalOnly?: boolean;
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

export function createDispatcher(handlers: Handlers, opts: DispatcherOptions): Dispatcher {
  return {
    async call(name, payload, ctx) {
      if (typeof name !== 'string' || !isCommandName(name)) {
        return { ok: false, error: errorData('unknown_command', `Unknown command: ${String(name).slice(0, 80)}`) };
      }
      const def = contract[name];
      // Review mode is checked before the input: a mutating command is refused whatever it carries.
      const localOnly = opts.allowLocalOnly === true && (def as { localOnly?: boolean }).localOnly === true;
      if (def.mutates && !localOnly && opts.isReadOnly()) {
        return { ok: false, error: errorData('review_mode_read_only', `${name} changes state and this Grantdesk is in review mode`) };
      }
      const parsed = def.input.safeParse(payload);
      if (!parsed.success) {
        return { ok: false, error: errorData('invalid_input', issuesText(parsed.error.issues)) };
      }
      try {
        const handler = handlers[name] as (i: unknown, c: CallContext) => unknown;
        const value = await handler(parsed.data, ctx);
        const out = def.output.safeParse(value);
        if (!out.success) {
          opts.logger.error('invalid_output', { command: name, issues: issuesText(out.error.issues) });
          return { ok: false, error: errorData('invalid_output', `${name} produced an invalid result`) };
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
