import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 for provider client tests: records every request and answers as scripted.
 * Test support only; nothing in todoke's runtime uses it.
 */

export interface CapturedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type ScriptedAnswer =
  | {
      status: number;
      body?: string;
      headers?: Record<string, string>;
      /** Answer only after this long. */
      delayMs?: number;
      /** Send the status, headers and body so far, then never finish the body. */
      stallBody?: boolean;
    }
  /** Read the request, never answer: the client's timeout must fire. */
  | 'hang'
  /** Read the request, then drop the connection without an answer. */
  | 'drop';

export interface ScriptedServer {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: CapturedRequest[];
  /** Most requests this server held unanswered at one time. */
  maxInFlight: number;
  answer: (request: CapturedRequest) => ScriptedAnswer;
  close(): Promise<void>;
}

export async function startScriptedServer(
  answer: (request: CapturedRequest) => ScriptedAnswer = () => ({ status: 200, body: '{}' }),
): Promise<ScriptedServer> {
  const requests: CapturedRequest[] = [];
  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const captured: CapturedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      inFlight++;
      scripted.maxInFlight = Math.max(scripted.maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      const reply = scripted.answer(captured);
      if (reply === 'hang') return;
      if (reply === 'drop') {
        req.socket.destroy();
        return;
      }
      const respond = (): void => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        if (reply.stallBody === true) res.write(reply.body ?? ' ');
        else res.end(reply.body ?? '');
      };
      if (reply.delayMs === undefined) respond();
      else setTimeout(respond, reply.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scripted: ScriptedServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: 0,
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return scripted;
}

/** A loopback URL where nothing listens: a port just freed by a server that is closed again. */
export async function unusedLoopbackUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
