import { createHash } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStandaloneSandbox, startSandbox, type Sandbox } from './index.js';
import { startReceiver } from './test-receiver.js';

let sandbox: Sandbox;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: null });
  // As on todoke's main server: the plugin registered on a Fastify instance of its own.
  app = Fastify();
  await app.register(sandbox.controlPlugin);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
  await sandbox.close();
});

async function call(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown) {
  const res = await request(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    type: String(res.headers['content-type']),
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

describe('sandbox control API', () => {
  it('reports defaults for a number nobody configured', async () => {
    const res = await call('GET', '/__sandbox/numbers/%2B819000000001');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ line: 'delivered', lineDelayMs: 100, sms: 'delivered', smsDelayMs: 100 });
  });

  it('merges settings, with the number URL-encoded or not', async () => {
    const first = await call('PUT', '/__sandbox/numbers/%2B819000000002', { line: 'consent_pending' });
    expect(first.body).toEqual({
      line: 'consent_pending',
      lineDelayMs: 60000,
      sms: 'delivered',
      smsDelayMs: 100,
    });
    const second = await call('PUT', '/__sandbox/numbers/+819000000002', {
      sms: 'undelivered',
      smsDelayMs: 5,
    });
    expect(second.body).toEqual({
      line: 'consent_pending',
      lineDelayMs: 60000,
      sms: 'undelivered',
      smsDelayMs: 5,
    });
    const read = await call('GET', '/__sandbox/numbers/+819000000002');
    expect(read.body).toEqual(second.body);
    const list = await call('GET', '/__sandbox/numbers');
    expect(list.body?.items).toContainEqual({ number: '+819000000002', settings: second.body });
  });

  it('refuses bad input with problem+json', async () => {
    const badNumber = await call('PUT', '/__sandbox/numbers/09000000000', { line: 'delivered' });
    expect(badNumber.status).toBe(400);
    expect(badNumber.type).toMatch(/^application\/problem\+json/);
    expect(badNumber.body).toMatchObject({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'invalid_number',
    });

    const badValue = await call('PUT', '/__sandbox/numbers/+819000000003', { line: 'gone', lineDelayMs: -1 });
    expect(badValue.status).toBe(400);
    expect(badValue.body?.code).toBe('invalid_settings');
    expect(String(badValue.body?.detail)).toMatch(/line/);
    expect(String(badValue.body?.detail)).toMatch(/lineDelayMs/);

    const typo = await call('PUT', '/__sandbox/numbers/+819000000003', { lineDelay: 5 });
    expect(typo.status).toBe(400);

    const badQuery = await call('GET', '/__sandbox/ledger?limit=0');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body?.code).toBe('invalid_query');
  });

  it('lists the ledger per number or in all, and clears it', async () => {
    expect((await call('DELETE', '/__sandbox/ledger')).status).toBe(204);
    const receiver = await startReceiver();
    try {
      sandbox.configureLineChannel({ accessToken: 't', channelSecret: 's', webhookUrl: receiver.url });
      sandbox.setNumber('+819000000004', { lineDelayMs: 0 });
      const to = createHash('sha256').update('+819000000004').digest('hex');
      const res = await request(`${sandbox.lineBaseUrl}/bot/pnp/push`, {
        method: 'POST',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body: JSON.stringify({
          to,
          messages: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        }),
      });
      await res.body.dump();
      await receiver.waitFor(1);
    } finally {
      await receiver.close();
    }
    const mine = await call('GET', '/__sandbox/ledger?to=%2B819000000004');
    expect(mine.body?.items).toMatchObject([
      { channel: 'line_pnp', provider: 'line', to: '+819000000004', text: 'a\nb' },
    ]);
    const all = await call('GET', '/__sandbox/ledger?limit=10');
    expect(all.body?.items).toMatchObject([{ to: '+819000000004' }]);
    expect((await call('GET', '/__sandbox/ledger?to=%2B819000000005')).body).toEqual({ items: [] });
    await call('DELETE', '/__sandbox/ledger');
    expect((await call('GET', '/__sandbox/ledger')).body).toEqual({ items: [] });
  });
});

describe('standalone sandbox', () => {
  it('serves the control API on its own port, where channels and accounts are configured', async () => {
    const standalone = await runStandaloneSandbox({ dataDir: null, controlPort: 0 });
    const receiver = await startReceiver();
    try {
      const put = (path: string, body: unknown) =>
        request(`${standalone.controlUrl}${path}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const channel = await put('/__sandbox/line/channels', {
        accessToken: 'standalone-token',
        channelSecret: 'standalone-secret',
        webhookUrl: `${receiver.url}/line`,
      });
      expect(channel.statusCode).toBe(200);
      expect(((await channel.body.json()) as { botUserId: string }).botUserId).toMatch(/^U[0-9a-f]{32}$/);
      const account = await put('/__sandbox/twilio/accounts', {
        accountSid: 'AC' + '1'.repeat(32),
        authToken: 'x',
      });
      expect(account.statusCode).toBe(200);
      await account.body.dump();

      const res = await request(`${standalone.lineBaseUrl}/bot/pnp/push`, {
        method: 'POST',
        headers: { authorization: 'Bearer standalone-token', 'content-type': 'application/json' },
        body: JSON.stringify({
          to: createHash('sha256').update('+819000000009').digest('hex'),
          messages: [{ type: 'text', text: 'standalone' }],
        }),
      });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
      await receiver.waitFor(1);
      const ledger = await request(`${standalone.controlUrl}/__sandbox/ledger?to=%2B819000000009`);
      expect(await ledger.body.json()).toMatchObject({ items: [{ text: 'standalone' }] });
    } finally {
      await receiver.close();
      await standalone.close();
    }
  });
});
