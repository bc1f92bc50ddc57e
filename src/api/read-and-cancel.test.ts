import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
afterEach(() => t.close());

const base = { purpose: 'payment_reminder', route: 'line-then-sms', text: 'お支払いのお願い' };

async function send(phone: string, extra: object = {}): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: t.auth,
    payload: { ...base, to: { phone }, ...extra },
  });
  expect(res.statusCode).toBe(202);
  return res.json<{ id: string }>().id;
}

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: t.auth });
const cancel = (id: string) =>
  t.app.inject({ method: 'POST', url: `/v1/messages/${id}/cancel`, headers: t.auth });

describe('GET /v1/messages/{id}', () => {
  beforeEach(async () => {
    t = await startTestApp();
  });

  it('shows the message with its route, attempts and events, times in ISO 8601', async () => {
    const id = await send('090-1234-5678', { metadata: { order: 7 }, sendAt: '2026-11-22T21:00:00+09:00' });
    const message = (await t.store.getMessage(id))!;
    const now = t.clock.now();
    const committed = await t.store.commit({
      message: { id, expectVersion: message.version, patch: { status: 'sending' } },
      newAttempts: [
        {
          id: '01KAP8Y0XQ3M5N7R9T1V3X5Z7B',
          messageId: id,
          stepIndex: 0,
          channel: 'line_pnp',
          account: 'line-main',
          provider: 'line',
          status: 'undelivered',
          providerMessageId: null,
          errorClass: 'unreachable',
          errorCode: 'line_422',
          errorDetail: 'Failed to send messages',
          units: null,
          cost: null,
          createdAt: now,
          updatedAt: now,
          receiptDeadline: null,
        },
      ],
      events: [
        {
          messageId: id,
          attemptId: '01KAP8Y0XQ3M5N7R9T1V3X5Z7B',
          type: 'attempt_undelivered',
          data: { code: 'line_422' },
          at: now,
        },
      ],
    });
    expect(committed).toBe(true);

    const res = await get(`/v1/messages/${id}`);
    expect(res.statusCode).toBe(200);
    const iso = new Date(now).toISOString();
    expect(res.json()).toEqual({
      id,
      status: 'sending',
      to: { phone: '+819012345678', lineUserId: null, email: null },
      purpose: 'payment_reminder',
      template: null,
      timeZone: null,
      route: {
        name: 'line-then-sms',
        steps: [
          { channel: 'line_pnp', accounts: ['line-main'], fallbackAfter: '15m' },
          { channel: 'sms', accounts: ['twilio', 'twilio-backup'], fallbackAfter: '30m' },
        ],
      },
      priority: 'realtime',
      sendAt: '2026-11-22T12:00:00.000Z',
      expiresAt: null,
      metadata: { order: 7 },
      campaignId: null,
      deliveredVia: null,
      deliveredAt: null,
      lateDelivery: false,
      finalReason: null,
      createdAt: iso,
      updatedAt: iso,
      attempts: [
        {
          id: '01KAP8Y0XQ3M5N7R9T1V3X5Z7B',
          step: 0,
          channel: 'line_pnp',
          account: 'line-main',
          provider: 'line',
          status: 'undelivered',
          providerMessageId: null,
          error: { class: 'unreachable', code: 'line_422', detail: 'Failed to send messages' },
          units: null,
          cost: null,
          createdAt: iso,
          updatedAt: iso,
        },
      ],
      events: [
        { type: 'accepted', attemptId: null, data: null, at: iso },
        {
          type: 'attempt_undelivered',
          attemptId: '01KAP8Y0XQ3M5N7R9T1V3X5Z7B',
          data: { code: 'line_422' },
          at: iso,
        },
      ],
    });
  });

  it('answers an unknown id with 404 message_not_found', async () => {
    const res = await get('/v1/messages/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'message_not_found', status: 404 });
  });
});

describe('GET /v1/messages', () => {
  beforeEach(async () => {
    t = await startTestApp();
  });

  type Page = { items: { id: string; to: { phone: string } }[]; nextCursor: string | null };

  it('lists newest first and pages with the cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await send(`090-1000-000${i}`));
      t.clock.advance(1000);
    }
    const first = (await get('/v1/messages?limit=2')).json<Page>();
    expect(first.items.map((m) => m.id)).toEqual([ids[4], ids[3]]);
    const second = (await get(`/v1/messages?limit=2&cursor=${first.nextCursor}`)).json<Page>();
    expect(second.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    const last = (await get(`/v1/messages?limit=2&cursor=${second.nextCursor}`)).json<Page>();
    expect(last).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
  });

  it('filters by phone in any form, status, purpose and creation time', async () => {
    const a = await send('090-1234-5678');
    t.clock.advance(60_000);
    const b = await send('080-1111-2222', { purpose: 'shipping_notice' });
    const ids = async (query: string) =>
      (await get(`/v1/messages?${query}`)).json<Page>().items.map((m) => m.id);
    expect(await ids(`phone=${encodeURIComponent('+81 90 1234 5678')}`)).toEqual([a]);
    expect(await ids(`phone=${encodeURIComponent('０８０－１１１１－２２２２')}`)).toEqual([b]);
    expect(await ids('purpose=shipping_notice')).toEqual([b]);
    expect(await ids('status=accepted')).toEqual([b, a]);
    expect(await ids('status=delivered')).toEqual([]);
    const middle = encodeURIComponent(new Date(t.clock.now() - 30_000).toISOString());
    expect(await ids(`from=${middle}`)).toEqual([b]);
    expect(await ids(`to=${middle}`)).toEqual([a]);
  });

  it('refuses a bad query', async () => {
    expect((await get('/v1/messages?limit=501')).json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'query.limit' }],
    });
    expect((await get('/v1/messages?status=lost')).statusCode).toBe(422);
    expect((await get('/v1/messages?phone=12')).json()).toMatchObject({ code: 'invalid_phone' });
  });
});

describe('POST /v1/messages/{id}/cancel', () => {
  it('cancels a message that is not final, with an event', async () => {
    t = await startTestApp();
    const id = await send('090-1234-5678');
    const res = await cancel(id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      status: 'canceled',
      finalReason: 'canceled',
      events: [{ type: 'accepted' }, { type: 'canceled' }],
    });
    expect(await t.store.getMessage(id)).toMatchObject({ status: 'canceled', nextRunAt: null });
  });

  it('refuses a final message with 409 message_final', async () => {
    t = await startTestApp();
    const id = await send('090-1234-5678');
    await cancel(id);
    const res = await cancel(id);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'message_final', messageStatus: 'canceled' });
  });

  it('answers an unknown id with 404', async () => {
    t = await startTestApp();
    expect((await cancel('01ARZ3NDEKTSV4RRFFQ69G5FAV')).json()).toMatchObject({ code: 'message_not_found' });
  });

  it('retries when the engine changes the message between the read and the write', async () => {
    let interfered = false;
    // Right after the API reads the message, the "engine" moves it on: the API's write then misses its version.
    const interfering = (store: SqliteStore): Store =>
      new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === 'getMessage') {
            return async (id: string) => {
              const message = await target.getMessage(id);
              if (message && !interfered) {
                interfered = true;
                await target.commit({
                  message: { id, expectVersion: message.version, patch: { status: 'sending', stepTries: 1 } },
                });
              }
              return message;
            };
          }
          const value: unknown = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    t = await startTestApp({ wrapStore: interfering });
    const id = await send('090-1234-5678');
    const res = await cancel(id);
    expect(interfered).toBe(true);
    expect(res.statusCode).toBe(200);
    expect(await t.store.getMessage(id)).toMatchObject({ status: 'canceled', stepTries: 1 });
  });
});
