// The loopback redirect listener: 127.0.0.1 only, an OS-assigned port, exists only during one sign-in (≤ 5 min).
// It answers with a static page (no query echoed, Referrer-Policy: no-referrer, CSP 'none') and hands the URL to the
// service, which checks state and iss before anything talks to the token endpoint.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallbackListener, CallbackListenerFactory } from '../ports/callback.ts';
import { AppError } from '../rpc/app-error.ts';

export const CALLBACK_PATH = '/callback';

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto"><h1>${title}</h1><p>${text}</p></body></html>`;
const DONE = page('Grantdesk', 'Sign-in received. You can close this tab and return to Grantdesk.');
const IGNORED = page('Grantdesk', 'This link does not belong to a sign-in Grantdesk is waiting for. Nothing was done.');
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export const createLoopbackCallback: CallbackListenerFactory = async (opts) => {
  let settle: { resolve: (u: URL) => void; reject: (e: Error) => void } | undefined;
  const result = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => undefined);
  let done = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (done || req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      res.writeHead(404, HEADERS).end(IGNORED);
      return;
    }
    const full = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url}`);
    const verdict = opts.accept(full);
    if (verdict !== 'accept') {
      res.writeHead(400, HEADERS).end(IGNORED);
      return;
    }
    done = true;
    res.writeHead(200, { ...HEADERS, connection: 'close' }).end(DONE);
    finish();
    settle!.resolve(full);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const timer = setTimeout(() => {
    finish();
    settle!.reject(new AppError('timeout', `No sign-in arrived within ${Math.round(opts.timeoutMs / 1000)} s; the loopback listener is closed`));
  }, opts.timeoutMs);
  timer.unref();
  const onAbort = () => {
    finish();
    settle!.reject(new AppError('cancelled', 'Sign-in cancelled'));
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  function finish() {
    done = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    server.close();
    server.closeIdleConnections();
  }
  const listener: CallbackListener = {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    result,
    close() {
      if (!done) {
        finish();
        settle!.reject(new AppError('cancelled', 'Sign-in listener closed'));
      }
    },
  };
  return listener;
};
