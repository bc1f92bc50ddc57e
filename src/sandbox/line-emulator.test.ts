import { createHash, createHmac } from 'node:crypto';
import { request } from 'undici';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './test-receiver.js';

const TOKEN = 'line-token-main';
const SECRET = 'line-channel-secret';
const BOT = 'U0123456789abcdef0123456789abcdef';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureLineChannel({
    accessToken: TOKEN,
    channelSecret: SECRET,
    webhookUrl: `${receiver.url}/webhooks/line/main`,
    botUserId: BOT,
  });
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

async function push(body: unknown, options: { tag?: string; token?: string | null } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  if (options.tag !== undefined) headers['x-line-delivery-tag'] = options.tag;
  const res = await request(`${sandbox.lineBaseUrl}/bot/pnp/push`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const text = (to: string, t = 'お支払いのお知らせ') => ({
  to: sha256(to),
  messages: [{ type: 'text', text: t }],
});

interface DeliveryEvent {
  type: string;
  delivery: { data: string };
  webhookEventId: string;
  deliveryContext: { isRedelivery: boolean };
  timestamp: number;
  mode: string;
}

function events(r: ReceivedRequest): DeliveryEvent[] {
  return (JSON.parse(r.rawBody.toString('utf8')) as { events: DeliveryEvent[] }).events;
}

const eventFor = (tag: string) => (r: ReceivedRequest) => events(r).some((e) => e.delivery.data === tag);

describe('LINE notification message emulator', () => {
  it('refuses an unknown access token with 401 and LINE’s message', async () => {
    const res = await push(text('+818000000001'), { token: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      message: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
    });
  });

  it('refuses a request without an Authorization header with 401', async () => {
    const res = await push(text('+818000000001'), { token: null });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/Authorization header required/);
  });

  it('refuses malformed bodies with 400 and details naming the property', async () => {
    const noTo = await push({ messages: [{ type: 'text', text: 'x' }] });
    expect(noTo.status).toBe(400);
    expect(noTo.body).toEqual({
      message: 'The request body has 1 error(s)',
      details: [{ message: 'must be specified', property: 'to' }],
    });

    const noMessages = await push({ to: sha256('+818000000001') });
    expect(noMessages.status).toBe(400);
    expect(noMessages.body.details).toEqual([{ message: 'must be specified', property: 'messages' }]);

    const six = Array.from({ length: 6 }, () => ({ type: 'text', text: 'x' }));
    const tooMany = await push({ to: sha256('+818000000001'), messages: six });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details).toEqual([{ message: 'Size must be between 1 and 5', property: 'messages' }]);

    const both = await push({ messages: [] });
    expect(both.body.message).toBe('The request body has 2 error(s)');
  });

  it('refuses a body that is not JSON, or not sent as JSON', async () => {
    const post = (contentType: string, body: string) =>
      request(`${sandbox.lineBaseUrl}/bot/pnp/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType },
        body,
      });
    const broken = await post('application/json', '{"to":');
    expect(broken.statusCode).toBe(400);
    expect(await broken.body.json()).toEqual({ message: 'The request body could not be parsed as JSON' });
    const form = await post('application/x-www-form-urlencoded', 'to=x');
    expect(form.statusCode).toBe(400);
    expect(await form.body.json()).toEqual({
      message: 'The content type, application/x-www-form-urlencoded, is not supported',
    });
  });

  it('refuses a delivery tag shorter than 16 or longer than 100 characters', async () => {
    for (const tag of ['x'.repeat(15), 'x'.repeat(101)]) {
      const res = await push(text('+818000000001'), { tag });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        { message: 'Length must be between 16 and 100', property: 'X-Line-Delivery-Tag' },
      ]);
    }
    expect((await push(text('+818000000001'), { tag: 'x'.repeat(16) })).status).toBe(200);
    expect((await push(text('+818000000001'), { tag: 'x'.repeat(100) })).status).toBe(200);
  });

  it('answers 422 for a number with no LINE user', async () => {
    sandbox.setNumber('+818000000002', { line: 'not_found' });
    const res = await push(text('+818000000002'), { tag: ulid() });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ message: 'Failed to send messages' });
  });

  it('delivers after the delay: a delivery event signed with the channel secret, and a ledger entry', async () => {
    const to = '+818000000003';
    sandbox.setNumber(to, { line: 'delivered', lineDelayMs: 300 });
    const tag = ulid();
    const sentAt = Date.now();
    const res = await push(text(to, '明日はお支払い日です'), { tag });
    expect(res).toEqual({ status: 200, body: {} });
    expect(sandbox.ledger(to)).toEqual([]);

    const [webhook] = await receiver.waitFor(1, eventFor(tag));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(280);
    expect(webhook!.path).toBe('/webhooks/line/main');
    const expected = createHmac('sha256', SECRET).update(webhook!.rawBody).digest('base64');
    expect(webhook!.headers['x-line-signature']).toBe(expected);
    const body = JSON.parse(webhook!.rawBody.toString('utf8')) as {
      destination: string;
      events: DeliveryEvent[];
    };
    expect(body.destination).toBe(BOT);
    expect(body.events).toHaveLength(1);
    const event = body.events[0]!;
    expect(event).toEqual({
      type: 'delivery',
      delivery: { data: tag },
      webhookEventId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      deliveryContext: { isRedelivery: false },
      timestamp: expect.any(Number),
      mode: 'active',
    });
    expect(event.timestamp).toBeGreaterThanOrEqual(sentAt + 300);

    const ledger = sandbox.ledger(to);
    expect(ledger).toEqual([
      {
        channel: 'line_pnp',
        provider: 'line',
        to,
        text: '明日はお支払い日です',
        at: expect.any(String),
        attemptRef: tag,
      },
    ]);
    expect(Date.parse(ledger[0]!.at)).toBe(event.timestamp);
  });

  it('uses the hashed number as delivery data when the request has no tag', async () => {
    const to = '+818000000004';
    sandbox.setNumber(to, { lineDelayMs: 0 });
    expect((await push(text(to))).status).toBe(200);
    await receiver.waitFor(1, eventFor(sha256(to)));
    expect(sandbox.ledger(to)[0]?.attemptRef).toBe(sha256(to));
  });

  it('accepts a message to a user who blocked the account but never delivers it', async () => {
    const blocked = '+818000000005';
    const witness = '+818000000006';
    sandbox.setNumber(blocked, { line: 'blocked', lineDelayMs: 0 });
    sandbox.setNumber(witness, { lineDelayMs: 50 });
    const blockedTag = ulid();
    const witnessTag = ulid();
    expect(await push(text(blocked), { tag: blockedTag })).toEqual({ status: 200, body: {} });
    expect((await push(text(witness), { tag: witnessTag })).status).toBe(200);
    // The witness was sent later with a longer delay: once its event is in, the blocked one would have been too.
    await receiver.waitFor(1, eventFor(witnessTag));
    expect(receiver.requests.filter(eventFor(blockedTag))).toEqual([]);
    expect(sandbox.ledger(blocked)).toEqual([]);
  });

  it('delivers to a user who has not consented yet only after the consent delay', async () => {
    const to = '+818000000007';
    sandbox.setNumber(to, { line: 'consent_pending', lineDelayMs: 400 });
    const tag = ulid();
    const sentAt = Date.now();
    expect((await push(text(to), { tag })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 150));
    expect(sandbox.ledger(to)).toEqual([]);
    await receiver.waitFor(1, eventFor(tag));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(380);
    expect(sandbox.ledger(to)).toHaveLength(1);
  });

  it('delivers to a number nobody configured after 100 ms', async () => {
    const to = '+818000000099';
    const tag = ulid();
    const sentAt = Date.now();
    expect((await push(text(to), { tag })).status).toBe(200);
    await receiver.waitFor(1, eventFor(tag));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(90);
    expect(sandbox.ledger(to)).toHaveLength(1);
  });
});
