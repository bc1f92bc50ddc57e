import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, generateApiKey, hashApiKey } from './api-keys.js';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.close());

const list = (authorization?: string) =>
  t.app.inject({
    method: 'GET',
    url: '/v1/messages',
    headers: authorization === undefined ? {} : { authorization },
  });

describe('API keys', () => {
  it('look like tdk_ and 32 base64url characters, and are stored only as their SHA-256', async () => {
    const key = generateApiKey();
    expect(key).toMatch(/^tdk_[A-Za-z0-9_-]{32}$/);
    expect(generateApiKey()).not.toBe(key);
    const { record } = await createApiKey(t.store, 'ops', t.clock, key);
    expect(record).toMatchObject({
      name: 'ops',
      hash: hashApiKey(key),
      prefix: key.slice(0, 8),
      revokedAt: null,
    });
    expect(JSON.stringify(await t.store.listApiKeys())).not.toContain(key);
  });

  it('registers a given key once', async () => {
    const first = await createApiKey(t.store, 'bootstrap', t.clock, 'tdk_bootstrap-key-from-env');
    const again = await createApiKey(t.store, 'bootstrap', t.clock, 'tdk_bootstrap-key-from-env');
    expect(again.record.id).toBe(first.record.id);
    await expect(createApiKey(t.store, 'weak', t.clock, 'short')).rejects.toThrow(RangeError);
  });

  it('registers a key once when processes starting together register it at the same time', async () => {
    const key = 'tdk_bootstrap-key-shared-by-processes';
    const all = await Promise.all([1, 2, 3].map((n) => createApiKey(t.store, `node-${n}`, t.clock, key)));
    expect(new Set(all.map((r) => r.record.id)).size).toBe(1);
    expect((await t.store.listApiKeys()).filter((k) => k.hash === hashApiKey(key))).toHaveLength(1);
  });
});

describe('authentication', () => {
  it('admits a valid key', async () => {
    expect((await list(t.auth.authorization)).statusCode).toBe(200);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an unknown key', `Bearer ${generateApiKey()}`],
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['an empty bearer', 'Bearer '],
  ])('refuses %s with 401 unauthorized', async (_name, header) => {
    const res = await list(header);
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('refuses a revoked key', async () => {
    const key = generateApiKey();
    await t.store.createApiKey({
      id: 'revoked-key',
      name: 'old',
      hash: hashApiKey(key),
      prefix: key.slice(0, 8),
      createdAt: t.clock.now() - 1000,
      revokedAt: t.clock.now() - 1,
    });
    expect((await list(`Bearer ${key}`)).statusCode).toBe(401);
  });

  it('protects every /v1 route, even before reading the body', async () => {
    for (const [method, url] of [
      ['POST', '/v1/messages'],
      ['POST', '/v1/messages/batch'],
      ['GET', '/v1/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      ['POST', '/v1/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel'],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{bad json',
      });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it('leaves health, metrics and docs open', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/docs/json']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it('notices a key created after a failed attempt once the short negative cache has passed', async () => {
    const key = generateApiKey();
    expect((await list(`Bearer ${key}`)).statusCode).toBe(401);
    await createApiKey(t.store, 'late', t.clock, key);
    t.clock.advance(1_001);
    expect((await list(`Bearer ${key}`)).statusCode).toBe(200);
  });
});
