import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { HttpRequest, HttpResponse } from './openapi.js';

/** One request as it went over the wire to the emulator, and the answer that came back. */
export interface Exchange {
  request: HttpRequest & { headers: IncomingHttpHeaders; body: Buffer };
  response: HttpResponse & { headers: Record<string, string>; body: Buffer };
}

export interface RecordingProxy {
  /** http://127.0.0.1:PORT: point a client's base URL here instead of at the emulator. */
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

/** Connection-level headers that belong to one hop, not to the request. */
const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
]);

/**
 * A loopback reverse proxy in front of an emulator that records every exchange byte for byte, so tests can check
 * what a client (todoke's, or an official SDK) really sent and what the emulator really answered. A request the
 * emulator leaves unanswered or resets is passed on as a reset and not recorded.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      request(`${target}${path}`, {
        method: method as 'GET',
        headers,
        body: body.length > 0 ? body : undefined,
      })
        .then(async (answer) => {
          const answerBody = Buffer.from(await answer.body.arrayBuffer());
          const answerHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (value !== undefined && !HOP_BY_HOP.has(name)) answerHeaders[name] = String(value);
          }
          exchanges.push({
            request: { method, path, headers: req.headers, body },
            response: { status: answer.statusCode, headers: answerHeaders, body: answerBody },
          });
          res.writeHead(answer.statusCode, answerHeaders).end(answerBody);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The body of a recorded answer as JSON (undefined when empty). */
export function jsonOf(body: Buffer): unknown {
  return body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
}
