// `grantdesk incident`: the leaked secret comes from stdin (piped in, or `--secret -`) or from a named file
// (`--secret-file PATH`), never from argv: a secret in argv is visible to every user in `ps` output and kept in shell
// history. A named file goes to the service as `secretFile`, which only a caller with file access anywhere may pass.
import { UsageError } from './parse-args.ts';
import type { CliStdin } from './review-redeem.ts';

const HOW = 'pipe it in (`grantdesk incident < leaked.txt`, or `--secret -`) or name the file (`grantdesk incident --secret-file leaked.txt`)';

export async function incidentInputFromCli(input: Record<string, unknown>, stdin: CliStdin | undefined): Promise<{ secret: string } | { secretFile: string } | Record<string, never>> {
  const { secret, secretFile } = input;
  if (secret !== undefined && secret !== '-') throw new UsageError(`A secret on the command line is visible to other users in \`ps\` and stays in your shell history; ${HOW}.`);
  if (secret === '-' && secretFile !== undefined) throw new UsageError(`Give --secret - or --secret-file, not both; ${HOW}.`);
  if (typeof secretFile === 'string') return { secretFile };
  // embedded without a process stdin (nothing to read): the command itself answers (review mode refuses it, the contract
  // asks for the secret)
  if (secret === undefined && !stdin) return {};
  if (secret === '-' || (stdin && !stdin.isTTY)) {
    if (!stdin) throw new UsageError(`No stdin to read the secret from; ${HOW}.`);
    const text = (await stdin.read()).trim();
    if (!text) throw new UsageError(`The secret is empty; ${HOW}.`);
    return { secret: text };
  }
  throw new UsageError(`Give the leaked secret: ${HOW}.`);
}
