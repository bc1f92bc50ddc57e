import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createApiKey } from '../../src/api/api-keys.js';
import { loadConfig } from '../../src/config/load-config.js';
import { systemClock } from '../../src/core/clock.js';
import { startTodoke, type Todoke } from '../../src/runtime/start-todoke.js';
import { freePort } from './free-port.js';

export interface Harness {
  todoke: Todoke;
  apiKey: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  /** Polls the message until `done` holds for it (or fails after `timeoutMs`). */
  waitForMessage(id: string, done: (message: any) => boolean, timeoutMs?: number): Promise<any>;
  ledger(phone: string): Promise<any[]>;
  close(): Promise<void>;
}

/** A whole todoke (API, engine, sandbox, SQLite in a temp dir) on loopback, as `npm start` runs it. */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-e2e-'));
  const port = await freePort();
  const config = loadConfig({
    TODOKE_HOST: '127.0.0.1',
    TODOKE_PORT: String(port),
    TODOKE_DATA_DIR: dir,
    TODOKE_LOG_LEVEL: 'silent',
    ...env,
  });
  // In-process tests restart nothing, so no receipt grace is needed after start.
  const todoke = await startTodoke(
    { ...config, engine: { ...config.engine, receiptGraceMs: 0 } },
    { demo: false },
  );
  const { key } = await createApiKey(todoke.store, 'e2e', systemClock);
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await request(`${todoke.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: text ? JSON.parse(text) : null };
  };
  const harness: Harness = {
    todoke,
    apiKey: key,
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path) => call('GET', path),
    async waitForMessage(id, done, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await call('GET', `/v1/messages/${id}`);
        if (done(body)) return body;
        if (Date.now() > deadline)
          throw new Error(`message ${id} did not get there in time: ${JSON.stringify(body, null, 1)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async ledger(phone) {
      const response = await request(`${todoke.url}/__sandbox/ledger?to=${encodeURIComponent(phone)}`);
      return ((await response.body.json()) as { items: any[] }).items;
    },
    async close() {
      await todoke.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
