import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLineWebhook } from '../providers/line/receipts.js';
import { FaultBoard } from './fault-board.js';
import { LatencyTable } from './latency.js';
import { buildLineEmulator } from './line-emulator.js';
import { lineUserRoutes } from './line-user-routes.js';
import { LineUsers } from './line-users.js';
import { lineWebhookRenderer } from './line-webhook.js';
import { NumberBook } from './number-book.js';
import { ReceiptFaults } from './receipt-faults.js';
import { SandboxStore, type LineChannel, type OutboxKind } from './store.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './test-receiver.js';
import { WebhookSender, type JobRenderer } from './webhook-sender.js';

const TOKEN = 'line-push-token';
const SECRET = 'line-push-secret';
const KEY = '123e4567-e89b-12d3-a456-426614174000';
const user = (n: number) => `U${n.toString(16).padStart(32, '0')}`;

let store: SandboxStore;
let sender: WebhookSender;
let emulator: FastifyInstance;
let control: FastifyInstance;
let receiver: Receiver;
let base: string;

/** The LINE emulator alone, with its users shared with the control routes, as the sandbox wires them. */
beforeAll(async () => {
  receiver = await startReceiver();
  store = new SandboxStore(null);
  const channels = new Map<string, LineChannel>([
    [
      TOKEN,
      {
        accessToken: TOKEN,
        channelSecret: SECRET,
        webhookUrl: `${receiver.url}/webhooks/line/main`,
        botUserId: user(0xb07),
      },
    ],
  ]);
  // Only LINE jobs are made here.
  sender = new WebhookSender(store, { line: lineWebhookRenderer(channels) } as Record<
    OutboxKind,
    JobRenderer
  >);
  const faults = new FaultBoard();
  const users = new LineUsers(store.settings);
  emulator = buildLineEmulator({
    channels,
    numbers: new NumberBook(store),
    sender,
    faults,
    receipts: new ReceiptFaults(faults),
    latency: new LatencyTable(),
    users,
  });
  await emulator.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(emulator.server.address() as { port: number }).port}`;
  control = Fastify();
  await control.register(lineUserRoutes({ users, channels, sender }));
  sender.start();
});

afterAll(async () => {
  await emulator?.close();
  await control?.close();
  await sender?.close();
  store?.close();
  await receiver?.close();
});

async function push(to: string, options: { key?: string; text?: string } = {}) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${TOKEN}`,
    'content-type': 'application/json',
  };
  if (options.key !== undefined) headers['x-line-retry-key'] = options.key;
  const res = await request(`${base}/v2/bot/message/push`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ to, messages: [{ type: 'text', text: options.text ?? 'こんにちは' }] }),
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (await res.body.json()) as Record<string, any>,
  };
}

const ledger = (userId: string) => store.ledgerFor(userId, userId);
/** The user's ledger once it has `count` entries: an entry is written a moment after the 200 that stored it. */
async function ledgerOnce(userId: string, count: number) {
  for (let waited = 0; ledger(userId).length < count; waited += 5) {
    if (waited > 5_000)
      throw new Error(`ledger of ${userId}: ${ledger(userId).length} entries, not ${count}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return ledger(userId);
}
const act = (userId: string, path: string, body?: unknown) =>
  control.inject({
    method: body === undefined ? 'POST' : 'PUT',
    url: `/__sandbox/line/users/${userId}${path}`,
    payload: body as object,
  });

describe('LINE push emulator', () => {
  it('delivers to a user who follows: 200 with sentMessages and a request ID, one ledger entry', async () => {
    const res = await push(user(1), { key: KEY, text: '明日のご予約' });
    expect(res.status).toBe(200);
    expect(res.body.sentMessages).toEqual([
      { id: expect.stringMatching(/^\d+$/), quoteToken: expect.any(String) },
    ]);
    expect(res.headers['x-line-request-id']).toEqual(expect.any(String));
    expect(await ledgerOnce(user(1), 1)).toEqual([
      expect.objectContaining({
        channel: 'line_push',
        provider: 'line',
        to: user(1),
        text: '明日のご予約',
        attemptRef: KEY,
      }),
    ]);
  });

  it('answers 409 to the same retry key, naming the first request, and delivers nothing twice', async () => {
    const first = await push(user(2), { key: '00000000-0000-4000-8000-000000000002' });
    const again = await push(user(2), { key: '00000000-0000-4000-8000-000000000002' });
    expect(again.status).toBe(409);
    expect(again.headers['x-line-accepted-request-id']).toBe(first.headers['x-line-request-id']);
    expect(again.body).toEqual({
      message: 'The retry key is already accepted',
      sentMessages: first.body.sentMessages,
    });
    // A new key is a new message; it arrives after the first, and nothing came in between.
    expect((await push(user(2), { key: '00000000-0000-4000-8000-000000000003' })).status).toBe(200);
    expect((await ledgerOnce(user(2), 2)).map((e) => e.attemptRef)).toEqual([
      '00000000-0000-4000-8000-000000000002',
      '00000000-0000-4000-8000-000000000003',
    ]);
  });

  it('refuses a retry key that is not a UUID, a malformed user ID and a user of no one', async () => {
    const badKey = await push(user(3), { key: 'not-a-uuid' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.details).toEqual([{ message: 'must be a UUID', property: 'X-Line-Retry-Key' }]);
    const badTo = await push('someone');
    expect(badTo).toMatchObject({ status: 400, body: { message: expect.stringContaining("'to'") } });
    expect((await act(user(3), '', { state: 'unknown' })).statusCode).toBe(200);
    expect(await push(user(3))).toMatchObject({ status: 400, body: { message: 'Failed to send messages' } });
    expect(ledger(user(3))).toEqual([]);
  });
});

describe('LINE follow and unfollow', () => {
  const eventsOf = (r: ReceivedRequest) =>
    (JSON.parse(r.rawBody.toString('utf8')) as { events: Record<string, any>[] }).events;
  const about = (userId: string, type: string) => (r: ReceivedRequest) =>
    eventsOf(r).some((e) => e.type === type && e.source?.userId === userId);

  it('unfollow: a signed unfollow event; pushes then answer 200 and nothing arrives', async () => {
    const res = await act(user(4), '/unfollow');
    expect(res.json()).toEqual({ userId: user(4), state: 'blocked', events: 1 });
    const [webhook] = await receiver.waitFor(1, about(user(4), 'unfollow'));
    const parsed = parseLineWebhook(SECRET, {
      url: '',
      headers: webhook!.headers,
      rawBody: webhook!.rawBody,
    });
    expect(parsed).toMatchObject({
      ok: true,
      contactEvents: [
        { channel: 'line_push', address: user(4), change: 'opted_out', reason: 'line_unfollow' },
      ],
    });
    expect(
      parseLineWebhook('forged', { url: '', headers: webhook!.headers, rawBody: webhook!.rawBody }),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });

    const blocked = await push(user(4), { key: '00000000-0000-4000-8000-000000000004' });
    expect(blocked.status).toBe(200);
    expect(ledger(user(4))).toEqual([]);
    // LINE took it all the same: the key is used up.
    expect((await push(user(4), { key: '00000000-0000-4000-8000-000000000004' })).status).toBe(409);
  });

  it('follow after blocking: isUnblocked, and pushes arrive again', async () => {
    await act(user(5), '/unfollow');
    expect((await act(user(5), '/follow')).json()).toMatchObject({ state: 'follows' });
    const [webhook] = await receiver.waitFor(1, about(user(5), 'follow'));
    const follow = eventsOf(webhook!).find((e) => e.type === 'follow')!;
    expect(follow).toMatchObject({
      type: 'follow',
      mode: 'active',
      source: { type: 'user', userId: user(5) },
      follow: { isUnblocked: true },
      replyToken: expect.any(String),
      deliveryContext: { isRedelivery: false },
    });
    expect((await push(user(5))).status).toBe(200);
    expect(await ledgerOnce(user(5), 1)).toHaveLength(1);
    expect((await control.inject({ url: `/__sandbox/line/users/${user(5)}` })).json()).toEqual({
      userId: user(5),
      state: 'follows',
    });
  });

  it('refuses a user ID that is not one, and an unknown state', async () => {
    expect((await act('U1', '/follow')).statusCode).toBe(400);
    expect((await act(user(6), '', { state: 'gone' })).json()).toMatchObject({ code: 'invalid_state' });
  });
});
