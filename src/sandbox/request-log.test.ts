import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { linePhoneHash } from './signatures.js';

let sandbox: Sandbox;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: null });
  app = Fastify();
  await app.register(sandbox.controlPlugin);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
  await sandbox.close();
});

async function arrivals(provider: string, since?: number) {
  const res = await request(
    `${base}/__sandbox/requests?provider=${provider}${since === undefined ? '' : `&since=${since}`}`,
  );
  return { status: res.statusCode, body: (await res.body.json()) as { count: number; at: number[] } };
}

/** A PNP request with an unknown token: refused with 401, but it reached LINE all the same. */
async function pushToLine(): Promise<number> {
  const res = await request(`${sandbox.lineBaseUrl}/bot/pnp/push`, {
    method: 'POST',
    headers: { authorization: 'Bearer unknown', 'content-type': 'application/json' },
    body: JSON.stringify({ to: linePhoneHash('+819012345678'), messages: [{ type: 'text', text: 'x' }] }),
  });
  await res.body.dump();
  return res.statusCode;
}

describe('sandbox request log', () => {
  it('records when each request reached an emulator, refused ones included, per provider', async () => {
    const before = Date.now();
    expect(await pushToLine()).toBe(401);
    expect(await pushToLine()).toBe(401);
    const after = Date.now();

    const line = await arrivals('line');
    expect(line.status).toBe(200);
    expect(line.body.count).toBe(2);
    expect(line.body.at).toHaveLength(2);
    for (const at of line.body.at) {
      expect(at).toBeGreaterThanOrEqual(before - 1);
      expect(at).toBeLessThanOrEqual(after + 1);
    }
    expect(line.body.at[0]!).toBeLessThanOrEqual(line.body.at[1]!);
    expect((await arrivals('twilio')).body.count).toBe(0);
    expect((await arrivals('line', line.body.at[1]! + 0.01)).body.count).toBe(0);
  });

  it('is cleared by DELETE, and refuses an unknown provider', async () => {
    await pushToLine();
    const cleared = await request(`${base}/__sandbox/requests`, { method: 'DELETE' });
    expect(cleared.statusCode).toBe(204);
    await cleared.body.dump();
    expect((await arrivals('line')).body.count).toBe(0);
    const bad = await request(`${base}/__sandbox/requests?provider=sms`);
    expect(bad.statusCode).toBe(400);
    expect(((await bad.body.json()) as { code: string }).code).toBe('invalid_query');
  });
});
