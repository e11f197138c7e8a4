// The CLI process: runCli over this process's stdio. bin/grantdesk.mjs runs the built copy of this file (out/cli), or
// this source through tsx when the bundle cannot be built; the build (scripts/build-cli.mjs) starts here.
import { runCli } from './main.ts';

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
