#!/usr/bin/env node
// The grantdesk CLI. Runs the TypeScript sources through tsx so `npx grantdesk` works straight from a clone.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src-main/cli/main.ts');
const code = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  stdin: {
    isTTY: !!process.stdin.isTTY,
    read: async () => {
      let text = '';
      for await (const chunk of process.stdin) text += chunk;
      return text;
    },
  },
  onServe: (h) => {
    const stop = () => h.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
});
if (process.argv[2] !== 'serve' || code !== 0) process.exitCode = code;
