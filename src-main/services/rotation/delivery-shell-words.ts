// A delivery command line (`vault kv put secret/app key=-`) split into argv the way a POSIX shell splits words, and run
// WITHOUT a shell. The rule: accept only what means the same here and in sh. Quotes and backslashes work as in sh;
// anything sh would expand, redirect, chain or run (`; & | < > ( ) $ \``, globs, `~`, `#`, `VAR=value cmd`, a
// newline) is refused with a sentence saying what to do, never silently passed on as a literal word. Someone who
// needs a pipeline writes `sh -c '…'` on purpose (docs/secrets-delivery.md).

export type ShellWords = { ok: true; argv: string[] } | { ok: false; problem: string };

const MAX_WORDS = 100;
const OPERATORS: Readonly<Record<string, string>> = {
  ';': 'chains commands',
  '&': 'chains or backgrounds commands',
  '|': 'is a pipe',
  '<': 'is a redirection',
  '>': 'is a redirection',
  '(': 'starts a subshell',
  ')': 'ends a subshell',
  $: 'expands a variable or runs a command',
  '`': 'runs a command',
};
const GLOBS = new Set(['*', '?', '[', ']', '{', '}']);

const refuse = (problem: string): ShellWords => ({ ok: false, problem });

export function shellWords(line: string): ShellWords {
  if (/[\r\n]/.test(line)) return refuse('The command must be one line.');
  if (line.includes('\u0000')) return refuse('The command contains a NUL character.');
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return refuse('A single quote is not closed.');
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        const d = line[j]!;
        if (d === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) {
          word += line[++j];
        } else if (d === '$' || d === '`') {
          return refuse(`"${d}" inside double quotes ${OPERATORS[d]} in a shell; Grantdesk runs no shell and expands nothing: use single quotes for a literal ${d}.`);
        } else word += d;
      }
      if (j >= line.length) return refuse('A double quote is not closed.');
      inWord = true;
      i = j;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= line.length) return refuse('The command ends with a lone backslash.');
      word += line[++i];
      inWord = true;
      continue;
    }
    if (Object.hasOwn(OPERATORS, c)) {
      return refuse(`"${c}" ${OPERATORS[c]} in a shell; Grantdesk runs the command without a shell, so it would not. Quote it if it is meant literally, or write sh -c '…' on purpose.`);
    }
    if (GLOBS.has(c)) return refuse(`"${c}" is a wildcard in a shell; Grantdesk expands nothing: quote it if it is meant literally.`);
    if (!inWord && c === '#') return refuse('"#" starts a comment in a shell; quote it if it is meant literally.');
    if (!inWord && c === '~') return refuse('"~" is not expanded (no shell): write the full path of the home directory.');
    word += c;
    inWord = true;
  }
  if (inWord) argv.push(word);
  if (argv.length === 0) return refuse('The command is empty.');
  if (argv.length > MAX_WORDS) return refuse(`The command has more than ${MAX_WORDS} words.`);
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0]!)) return refuse(`"${argv[0]!.split('=')[0]}=…" before the program sets a variable in a shell; Grantdesk passes a fixed environment (docs/secrets-delivery.md lists it): drop the assignment, or use env NAME=value <program> on purpose.`);
  return { ok: true, argv };
}
