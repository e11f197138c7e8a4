import type { z } from 'zod';

/** How the `grantdesk` CLI reaches a command: the words that name it and which input keys are positional. */
export interface CliSpec {
  readonly words: readonly string[];
  readonly positionals?: readonly string[];
  /** input keys whose positional takes all remaining words (arrays) */
  readonly variadic?: string;
  readonly summary: string;
}

export interface CommandDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly mutates: boolean;
  readonly cli?: CliSpec;
}

export function command<I extends z.ZodType, O extends z.ZodType>(def: CommandDef<I, O>): CommandDef<I, O> {
  return def;
}
