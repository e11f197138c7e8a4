// A loopback HTTP server serving precomputed audit chains exactly as the platform API does (for kill trials and benches).
import { createServer, type Server } from 'node:http';
import type { ChainEvent } from './audit-chain.ts';

export interface ChainServer {
  url: string;
  close(): Promise<void>;
}

export async function serveChains(chains: Record<string, ChainEvent[]>, opts: { delayMs?: number } = {}): Promise<ChainServer> {
  // Pre-serialize every event once: pages are joined from strings, like a platform storing events as JSON.
  const json = new Map(Object.entries(chains).map(([ws, ev]) => [ws, ev.map((e) => JSON.stringify(e))]));
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const ws = String(req.headers['x-workspace'] ?? u.searchParams.get('ws') ?? '');
    const list = json.get(ws);
    const send = (status: number, body: string) => {
      const go = () => {
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (opts.delayMs) setTimeout(go, opts.delayMs);
      else go();
    };
    if (!list) return send(404, '{"error":"not_found"}');
    if (u.pathname === '/v1/audit-events/head') {
      const last = chains[ws]![list.length - 1];
      return send(200, JSON.stringify({ workspace_id: ws, seq: last?.seq ?? 0, hash: last?.hash ?? '0'.repeat(64) }));
    }
    if (u.pathname === '/v1/audit-events') {
      const after = Number(u.searchParams.get('after_seq') ?? 0);
      const limit = Math.min(5000, Number(u.searchParams.get('limit') ?? 1000));
      const slice = list.slice(after, after + limit);
      const next = after + slice.length;
      return send(200, `{"workspace_id":${JSON.stringify(ws)},"events":[${slice.join(',')}],"next_after_seq":${next},"has_more":${next < list.length}}`);
    }
    send(404, '{"error":"not_found"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
