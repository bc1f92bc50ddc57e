import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  /** Path and query as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface Receiver {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests (optionally only those matching) have arrived. */
  waitFor(
    count: number,
    match?: (r: ReceivedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/**
 * A server that records every request it gets, standing in for todoke's webhook endpoint in tests and
 * benchmarks. `status` decides the answer to the n-th request (0-based); default 200.
 */
export async function startReceiver(
  options: { port?: number; status?: (n: number, request: ReceivedRequest) => number } = {},
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { path: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks) };
      const status = options.status?.(requests.length, received) ?? 200;
      requests.push(received);
      res.writeHead(status).end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    waitFor(count, match = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.filter(match);
          if (found.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} requests, got ${requests.filter(match).length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
