import { createReadStream, statSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { request } from 'undici';

/** An answer the API refused: its problem+json, shown to the operator as it is (Japanese first, then English). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: { code?: string; detail?: string; [key: string]: unknown },
  ) {
    super(problem.detail ?? `HTTP ${status}`);
    this.name = 'ApiProblem';
  }
}

/** The campaign API over HTTP, with the operator's API key. */
export class CampaignClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private headers(extra: Record<string, string> = {}) {
    return { authorization: `Bearer ${this.apiKey}`, ...extra };
  }

  async json<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await request(`${this.baseUrl}${path}`, {
      method,
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    const parsed = text ? JSON.parse(text) : null;
    if (res.statusCode >= 400) throw new ApiProblem(res.statusCode, parsed ?? {});
    return parsed as T;
  }

  /** Sends a file as text/csv, streamed, reporting bytes sent as they go. */
  async upload<T = unknown>(
    path: string,
    file: string,
    onProgress?: (sent: number, total: number) => void,
  ): Promise<T> {
    const total = statSync(file).size;
    let sent = 0;
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sent += chunk.length;
        onProgress?.(sent, total);
        done(null, chunk);
      },
    });
    const body = createReadStream(file).pipe(counting);
    const res = await request(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'text/csv', 'content-length': String(total) }),
      body,
    });
    const text = await res.body.text();
    const parsed = text ? JSON.parse(text) : null;
    if (res.statusCode >= 400) throw new ApiProblem(res.statusCode, parsed ?? {});
    return parsed as T;
  }

  /** A download as a stream of bytes. */
  async download(path: string): Promise<Readable> {
    const res = await request(`${this.baseUrl}${path}`, { method: 'GET', headers: this.headers() });
    if (res.statusCode >= 400) {
      const text = await res.body.text();
      throw new ApiProblem(res.statusCode, text ? JSON.parse(text) : {});
    }
    return res.body;
  }
}
