import type { z } from 'zod';

/** How the `grantdesk` CLI reaches a command: the words that name it and which input keys are positional. */
export interface CliSpec {
  /** e.g. `['scopes', 'matrix']`; a trailing `--flag` word selects this command wherever the flag stands (`['scopes', 'matrix', '--csv']`) */
  readonly words: readonly string[];
  readonly positionals?: readonly string[];
  /** input keys whose positional takes all remaining words (arrays) */
  readonly variadic?: string;
  readonly summary: string;
  /** what the CLI prints instead of its default rendering (a report a CI system reads: JUnit, SARIF) */
  readonly render?: (output: unknown) => string;
  /** the CLI's exit status for a successful call (default 0), e.g. `check`: 1 when it found violations */
  readonly exitCode?: (output: unknown) => number;
}

export interface CommandDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** changes state: the platform, settings or this machine's data. Refused in review mode unless localOnly. */
  readonly mutates: boolean;
  /**
   * mutates only this machine's cache or files (e.g. syncing a read-only copy, ending review mode) and never the platform or
   * shared settings: the one kind of mutating command allowed in review mode (see docs/ENGINEERING.md, Review mode).
   */
  readonly localOnly?: boolean;
  /**
   * What the auditor's review log says for this command, in words ("Searched the audit log"). Only commands with it are
   * logged in review mode: the rest is UI plumbing (status polls, timelines, lists a screen loads by itself).
   */
  readonly reviewLog?: string;
  readonly cli?: CliSpec;
}

export function command<I extends z.ZodType, O extends z.ZodType>(def: CommandDef<I, O>): CommandDef<I, O> {
  return def;
}
