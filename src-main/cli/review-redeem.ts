// `grantdesk review redeem`: the code comes from stdin (`--code -`, or piped in) or from a named file, never from argv: a
// code in argv is visible to every user in `ps` output and kept in shell history. A named file goes to the service as
// `file`, which only a caller with file access anywhere (this CLI) may pass; the service reads it after the dispatcher's
// review-mode guard, so a refusal never depends on the file.
import { UsageError } from './parse-args.ts';

export interface CliStdin {
  /** true when stdin is a terminal (nothing piped in) */
  isTTY: boolean;
  read(): Promise<string>;
}

const HOW = 'pipe it in (`grantdesk review redeem --code - < review.gdreview`) or name the file (`grantdesk review redeem review.gdreview`)';

export async function redeemInputFromCli(input: Record<string, unknown>, stdin: CliStdin | undefined): Promise<{ code: string } | { file: string }> {
  const { code, file } = input;
  if (code !== undefined && code !== '-') {
    throw new UsageError(`A review code on the command line is visible to other users in \`ps\` and stays in your shell history; ${HOW}.`);
  }
  if (code === '-' && file !== undefined) throw new UsageError(`Give the review file or --code -, not both; ${HOW}.`);
  let text: string;
  if (code === '-' || (file === undefined && stdin && !stdin.isTTY)) {
    if (!stdin) throw new UsageError(`No stdin to read the review code from; ${HOW}.`);
    text = await stdin.read();
  } else if (typeof file === 'string') {
    return { file };
  } else {
    throw new UsageError(`Name the review file, or ${HOW}.`);
  }
  if (!text.trim()) throw new UsageError(`The review code is empty; ${HOW}.`);
  return { code: text.trim() };
}
