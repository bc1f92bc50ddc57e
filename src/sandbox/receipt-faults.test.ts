import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callbackParams, lineEvents, startRehearsal, type Rehearsal } from './test-clients.js';
import type { ReceivedRequest } from './test-receiver.js';

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

function freshNumber(settings: { lineDelayMs?: number; smsDelayMs?: number } = {}): string {
  const e164 = `+8170${String(++counter).padStart(8, '0')}`;
  r.sandbox.setNumber(e164, { lineDelayMs: 0, smsDelayMs: 0, ...settings });
  return e164;
}

const tagOf = (e164: string) => `tag-${e164.slice(1)}-rehearsal`;
const carriesTag = (tag: string) => (req: ReceivedRequest) =>
  req.path === '/line' && lineEvents(req).some((e) => e.delivery.data === tag);
const eventFor = (req: ReceivedRequest, tag: string) => lineEvents(req).find((e) => e.delivery.data === tag)!;
const callbacksTo = (e164: string) => (req: ReceivedRequest) =>
  req.path === '/twilio' && callbackParams(req).To === e164;

async function addFault(spec: Record<string, unknown>): Promise<void> {
  expect((await r.control('POST', '/__sandbox/faults', spec)).status).toBe(201);
}

async function ledgerOf(e164: string): Promise<{ at: string }[]> {
  return (await r.control('GET', `/__sandbox/ledger?to=${encodeURIComponent(e164)}`)).body.items as {
    at: string;
  }[];
}

/** Sends a LINE message to a number delivered at once and waits for its one webhook. */
async function lineDelivered(): Promise<string> {
  const e164 = freshNumber();
  expect((await r.line(e164, { tag: tagOf(e164) })).status).toBe(200);
  await r.receiver.waitFor(1, carriesTag(tagOf(e164)));
  return e164;
}

describe('receipt faults', () => {
  it('LINE duplicate_receipts: the same event twice, the second as a redelivery; received once', async () => {
    await addFault({ provider: 'line', kind: 'duplicate_receipts' });
    const e164 = freshNumber();
    const tag = tagOf(e164);
    expect((await r.line(e164, { tag })).status).toBe(200);
    const [first, second] = await r.receiver.waitFor(2, carriesTag(tag));
    const a = eventFor(first!, tag);
    const b = eventFor(second!, tag);
    expect(b.webhookEventId).toBe(a.webhookEventId);
    expect(b.timestamp).toBe(a.timestamp);
    expect([a.deliveryContext.isRedelivery, b.deliveryContext.isRedelivery]).toEqual([false, true]);
    expect(await ledgerOf(e164)).toHaveLength(1);

    // The fault had a count of one: the next message's webhook goes once.
    const next = await lineDelivered();
    await lineDelivered();
    expect(r.receiver.requests.filter(carriesTag(tagOf(next)))).toHaveLength(1);
  });

  it('Twilio duplicate_receipts: each status callback twice; received once', async () => {
    await addFault({ provider: 'twilio', kind: 'duplicate_receipts' });
    const e164 = freshNumber({ smsDelayMs: 100 });
    expect((await r.sms(e164)).status).toBe(201);
    const callbacks = await r.receiver.waitFor(4, callbacksTo(e164));
    expect(callbacks.map((c) => callbackParams(c).MessageStatus)).toEqual([
      'sent',
      'sent',
      'delivered',
      'delivered',
    ]);
    expect(callbackParams(callbacks[3]!)).toEqual(callbackParams(callbacks[2]!));
    expect(await ledgerOf(e164)).toHaveLength(1);
  });

  it('Twilio reorder_receipts: delivered comes before sent', async () => {
    await addFault({ provider: 'twilio', kind: 'reorder_receipts' });
    const e164 = freshNumber({ smsDelayMs: 100 });
    expect((await r.sms(e164)).status).toBe(201);
    const callbacks = await r.receiver.waitFor(2, callbacksTo(e164));
    expect(callbacks.map((c) => callbackParams(c).MessageStatus)).toEqual(['delivered', 'sent']);
    expect(await ledgerOf(e164)).toHaveLength(1);
  });

  it('LINE reorder_receipts: a webhook is held back until a later message’s webhook went out', async () => {
    await addFault({ provider: 'line', kind: 'reorder_receipts' });
    const held = freshNumber();
    const later = freshNumber({ lineDelayMs: 150 });
    expect((await r.line(held, { tag: tagOf(held) })).status).toBe(200);
    expect((await r.line(later, { tag: tagOf(later) })).status).toBe(200);
    await r.receiver.waitFor(1, carriesTag(tagOf(held)));
    const order = r.receiver.requests.filter(
      (q) => carriesTag(tagOf(held))(q) || carriesTag(tagOf(later))(q),
    );
    expect(order.map((q) => lineEvents(q).map((e) => e.delivery.data))).toEqual([
      [tagOf(later)],
      [tagOf(held)],
    ]);
    // The person got the held message when it was due all the same.
    const [entry] = await ledgerOf(held);
    expect(Date.parse(entry!.at)).toBe(eventFor(order[1]!, tagOf(held)).timestamp);
  });

  it('LINE reorder_receipts: with nothing to overtake it, a held webhook goes after delayMs', async () => {
    await addFault({ provider: 'line', kind: 'reorder_receipts', delayMs: 250 });
    const e164 = freshNumber();
    const started = performance.now();
    expect((await r.line(e164, { tag: tagOf(e164) })).status).toBe(200);
    await r.receiver.waitFor(1, carriesTag(tagOf(e164)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
  });

  it('LINE delay_receipts: the webhook comes delayMs late, the ledger says when the message arrived', async () => {
    await addFault({ provider: 'line', kind: 'delay_receipts', delayMs: 400 });
    const e164 = freshNumber();
    const tag = tagOf(e164);
    const started = performance.now();
    const sentAt = Date.now();
    expect((await r.line(e164, { tag })).status).toBe(200);
    await r.receiver.waitFor(1, () => false, 100).catch(() => undefined);
    expect(r.receiver.requests.filter(carriesTag(tag))).toEqual([]);
    const [entry] = await ledgerOf(e164);
    expect(Date.parse(entry!.at) - sentAt).toBeLessThan(100);

    const [webhook] = await r.receiver.waitFor(1, carriesTag(tag));
    expect(performance.now() - started).toBeGreaterThanOrEqual(395);
    expect(eventFor(webhook!, tag).timestamp).toBe(Date.parse(entry!.at));
    expect(eventFor(webhook!, tag).deliveryContext.isRedelivery).toBe(false);
  });

  it('Twilio delay_receipts: every callback of the message comes delayMs late, in order', async () => {
    await addFault({ provider: 'twilio', kind: 'delay_receipts', delayMs: 300 });
    const e164 = freshNumber({ smsDelayMs: 50 });
    const started = performance.now();
    expect((await r.sms(e164)).status).toBe(201);
    const callbacks = await r.receiver.waitFor(1, callbacksTo(e164));
    expect(performance.now() - started).toBeGreaterThanOrEqual(315);
    expect(callbackParams(callbacks[0]!).MessageStatus).toBe('sent');
    const both = await r.receiver.waitFor(2, callbacksTo(e164));
    expect(performance.now() - started).toBeGreaterThanOrEqual(345);
    expect(both.map((c) => callbackParams(c).MessageStatus)).toEqual(['sent', 'delivered']);
  });
});
