import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linePhoneHash } from './signatures.js';
import {
  TWILIO_SID,
  TWILIO_TOKEN,
  callbackParams,
  lineEvents,
  startRehearsal,
  type Rehearsal,
} from './test-clients.js';
import type { ReceivedRequest } from './test-receiver.js';

type Provider = 'line' | 'twilio';

let r: Rehearsal;
let counter = 0;

beforeAll(async () => {
  r = await startRehearsal();
});

afterAll(async () => {
  await r.close();
});

afterEach(async () => {
  await r.control('DELETE', '/__sandbox/faults');
});

/** A number nobody used yet, delivered at once on both channels. */
function freshNumber(): string {
  const e164 = `+8180${String(++counter).padStart(8, '0')}`;
  r.sandbox.setNumber(e164, { lineDelayMs: 0, smsDelayMs: 0 });
  return e164;
}

const send = (provider: Provider, e164: string, timeoutMs?: number) =>
  provider === 'line' ? r.line(e164, { timeoutMs }) : r.sms(e164, { timeoutMs });

/** The webhook that says the message reached `e164`: LINE's delivery event, Twilio's `delivered` callback. */
function deliveryTo(provider: Provider, e164: string) {
  return (req: ReceivedRequest) =>
    provider === 'line'
      ? req.path === '/line' && lineEvents(req).some((e) => e.delivery.data === linePhoneHash(e164))
      : req.path === '/twilio' &&
        callbackParams(req).To === e164 &&
        callbackParams(req).MessageStatus === 'delivered';
}

/** Any webhook about `e164`. */
function anyWebhookFor(provider: Provider, e164: string) {
  return (req: ReceivedRequest) =>
    provider === 'line'
      ? req.path === '/line' && lineEvents(req).some((e) => e.delivery.data === linePhoneHash(e164))
      : req.path === '/twilio' && callbackParams(req).To === e164;
}

async function ledgerOf(e164: string): Promise<unknown[]> {
  return (await r.control('GET', `/__sandbox/ledger?to=${encodeURIComponent(e164)}`)).body.items as unknown[];
}

async function addFault(spec: Record<string, unknown>): Promise<void> {
  const res = await r.control('POST', '/__sandbox/faults', spec);
  expect(res.status).toBe(201);
}

/**
 * Proves the message to `e164` was not taken: a message sent after it to another number, just as fast, is
 * delivered, and by then nothing reached `e164` and no webhook mentions it.
 */
async function expectNotTaken(provider: Provider, e164: string): Promise<void> {
  const later = freshNumber();
  expect((await send(provider, later)).status).toBe(provider === 'line' ? 200 : 201);
  await r.receiver.waitFor(1, deliveryTo(provider, later));
  expect(await ledgerOf(later)).toHaveLength(1);
  expect(await ledgerOf(e164)).toEqual([]);
  expect(r.receiver.requests.filter(anyWebhookFor(provider, e164))).toEqual([]);
}

describe('request faults', () => {
  it.each([
    { provider: 'line', kind: '5xx', status: 500, body: { message: 'An error occurred.' } },
    { provider: 'line', kind: '429', status: 429, body: { message: 'Too many requests' } },
    {
      provider: 'line',
      kind: 'monthly_limit',
      status: 429,
      body: { message: 'You have reached your monthly limit.' },
    },
    {
      provider: 'twilio',
      kind: '5xx',
      status: 500,
      body: {
        code: 20500,
        message: 'Internal Server Error',
        more_info: 'https://www.twilio.com/docs/errors/20500',
        status: 500,
      },
    },
    {
      provider: 'twilio',
      kind: '429',
      status: 429,
      body: {
        code: 20429,
        message: 'Too Many Requests',
        more_info: 'https://www.twilio.com/docs/errors/20429',
        status: 429,
      },
    },
  ] as const)('$provider $kind: answers $status without taking the message', async (c) => {
    await addFault({ provider: c.provider, kind: c.kind });
    const e164 = freshNumber();
    const refused = await send(c.provider, e164);
    expect(refused.status).toBe(c.status);
    expect(refused.body).toEqual(c.body);
    await expectNotTaken(c.provider, e164);
  });

  it.each(['line', 'twilio'] as const)(
    '%s timeout: takes the message (ledger and webhook follow) but never answers',
    async (provider) => {
      await addFault({ provider, kind: 'timeout' });
      const e164 = freshNumber();
      const started = performance.now();
      await expect(send(provider, e164, 300)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      await r.receiver.waitFor(1, deliveryTo(provider, e164));
      expect(await ledgerOf(e164)).toMatchObject([{ to: e164 }]);
      // Only the one request met the fault.
      expect((await send(provider, freshNumber())).status).toBe(provider === 'line' ? 200 : 201);
    },
  );

  it.each(['line', 'twilio'] as const)(
    '%s reset: the connection is reset without an answer and nothing is taken',
    async (provider) => {
      await addFault({ provider, kind: 'reset' });
      const e164 = freshNumber();
      const error = await send(provider, e164).then(
        () => undefined,
        (e: { code?: string; cause?: { code?: string } }) => e,
      );
      expect(error).toBeDefined();
      expect([error?.code, error?.cause?.code]).toEqual(
        expect.arrayContaining([expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/)]),
      );
      await expectNotTaken(provider, e164);
    },
  );

  it.each(['line', 'twilio'] as const)('%s slow: answers as usual, delayMs late', async (provider) => {
    await addFault({ provider, kind: 'slow', delayMs: 300 });
    const e164 = freshNumber();
    const slow = await send(provider, e164);
    expect(slow.status).toBe(provider === 'line' ? 200 : 201);
    expect(slow.tookMs).toBeGreaterThanOrEqual(295);
    await r.receiver.waitFor(1, deliveryTo(provider, e164));
    expect(await ledgerOf(e164)).toHaveLength(1);
    expect((await send(provider, freshNumber())).tookMs).toBeLessThan(250);
  });

  it('leaves Fetch Message alone: request faults are about the send endpoint', async () => {
    const created = await r.sms(freshNumber());
    await addFault({ provider: 'twilio', kind: '5xx' });
    const basic = Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64');
    const fetched = await request(`${r.sandbox.twilioBaseUrl}${String(created.body.uri)}`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(fetched.statusCode).toBe(200);
    await fetched.body.dump();
    // The fault is still there for the next Create Message.
    expect((await r.sms(freshNumber())).status).toBe(500);
  });
});

describe('a request left unanswered', () => {
  it('does not hold up close(): its connection is dropped', async () => {
    const own = await startRehearsal();
    own.sandbox.addFault({ provider: 'line', kind: 'timeout' });
    const pending = own.line('+818099999999').then(
      () => 'answered',
      () => 'dropped',
    );
    // The request is in the emulator's hands once the ledger job exists; give it a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await pending).toBe('dropped');
  });
});
