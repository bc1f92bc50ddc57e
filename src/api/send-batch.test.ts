import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
afterEach(() => t.close());

const item = (i: number, extra: object = {}) => ({
  to: { phone: `090${String(10_000_000 + i)}` },
  purpose: 'shipping_notice',
  route: 'sms-only',
  text: `発送しました ${i}`,
  ...extra,
});

/** The real store, counting how often messages are written. */
function countingStore(calls: number[]) {
  return (store: SqliteStore): Store =>
    new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'acceptMessages') {
          return (messages: Parameters<Store['acceptMessages']>[0]) => {
            calls.push(messages.length);
            return target.acceptMessages(messages);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
}

function batch(items: unknown[]) {
  return t.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: t.auth, payload: { items } });
}

describe('POST /v1/messages/batch', () => {
  it('stores the valid items in one write and gives each invalid item its problem', async () => {
    const calls: number[] = [];
    t = await startTestApp({ wrapStore: countingStore(calls) });
    const res = await batch([
      item(0),
      item(1, { to: { phone: '0312' } }),
      item(2, { purpose: 'gossip' }),
      item(3, { idempotencyKey: 'k-3' }),
      { to: {}, route: 5 },
      item(5),
    ]);
    expect(res.statusCode).toBe(200);
    const { items } = res.json<{
      items: { index: number; status?: string; id?: string; error?: { code: string } }[];
    }>();
    expect(items.map((i) => [i.index, i.status ?? i.error?.code])).toEqual([
      [0, 'accepted'],
      [1, 'invalid_phone'],
      [2, 'unknown_purpose'],
      [3, 'accepted'],
      [4, 'validation_failed'],
      [5, 'accepted'],
    ]);
    expect(items[4]!.error).toMatchObject({
      status: 422,
      errors: expect.arrayContaining([{ path: 'route', message: expect.any(String) }]),
    });
    expect(calls).toEqual([3]);
    expect(t.wakes.accepted).toBe(1);
    const stored = await t.store.getMessage(items[3]!.id!);
    expect(stored).toMatchObject({ idempotencyKey: 'k-3', phone: '+819010000003' });
  });

  it('answers repeated keys with the original message, or a conflict when the body differs', async () => {
    t = await startTestApp();
    const first = await batch([item(0, { idempotencyKey: 'a' }), item(1, { idempotencyKey: 'b' })]);
    const firstIds = first.json<{ items: { id: string }[] }>().items.map((i) => i.id);
    const again = await batch([
      item(0, { idempotencyKey: 'a' }),
      item(9, { idempotencyKey: 'b' }),
      item(2, { idempotencyKey: 'c' }),
      item(2, { idempotencyKey: 'c' }),
    ]);
    const items = again.json<{ items: { status?: string; id?: string; error?: { code: string } }[] }>().items;
    expect(items[0]).toEqual({ index: 0, status: 'existing', id: firstIds[0] });
    expect(items[1]).toMatchObject({ index: 1, error: { code: 'idempotency_conflict', status: 409 } });
    expect(items[2]).toMatchObject({ index: 2, status: 'accepted' });
    expect(items[3]).toEqual({ index: 3, status: 'existing', id: items[2]!.id });
  });

  it('refuses more than 10,000 items with 413 batch_too_large', async () => {
    t = await startTestApp();
    const items = Array.from({ length: 10_001 }, (_, i) => item(i));
    const res = await batch(items);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'batch_too_large', status: 413 });
    expect(await t.store.listMessages({ limit: 1 })).toEqual([]);
  });

  it('accepts 10,000 items in one request', async () => {
    t = await startTestApp();
    const items = Array.from({ length: 10_000 }, (_, i) => item(i));
    const res = await batch(items);
    expect(res.statusCode).toBe(200);
    const out = res.json<{ items: { status: string }[] }>().items;
    expect(out.filter((i) => i.status === 'accepted')).toHaveLength(10_000);
    expect((await t.store.countMessagesByStatus()).accepted).toBe(10_000);
  });

  it('refuses an empty batch', async () => {
    t = await startTestApp();
    const res = await batch([]);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'items' }] });
  });
});
