import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';

const fastRoute = {
  steps: [
    { channel: 'line_pnp', fallbackAfter: '600ms' },
    { channel: 'sms', fallbackAfter: '5s' },
  ],
};
const body = (phone: string, extra: Record<string, unknown> = {}) => ({
  to: { phone },
  purpose: 'usage_alert',
  route: fastRoute,
  text: 'お支払い期限は11月30日です。',
  ...extra,
});

describe('a notification through LINE, or SMS when LINE cannot reach the person', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('reaches a LINE user through LINE only', async () => {
    h.todoke.sandbox!.setNumber('+819011110001', { line: 'delivered', lineDelayMs: 20 });
    const sent = await h.post('/v1/messages', body('090-1111-0001'));
    expect(sent.status).toBe(202);
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'delivered');
    expect(m.deliveredVia).toBe('line_pnp');
    expect(m.attempts.map((a: any) => [a.channel, a.status])).toEqual([['line_pnp', 'delivered']]);
    expect((await h.ledger('+819011110001')).map((i) => i.channel)).toEqual(['line_pnp']);
  });

  it('falls back to SMS at once when LINE answers 422', async () => {
    h.todoke.sandbox!.setNumber('+819011110002', { line: 'not_found', sms: 'delivered', smsDelayMs: 20 });
    const sent = await h.post('/v1/messages', body('09011110002'));
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'delivered');
    expect(m.deliveredVia).toBe('sms');
    expect(m.attempts.map((a: any) => [a.channel, a.status])).toEqual([
      ['line_pnp', 'undelivered'],
      ['sms', 'delivered'],
    ]);
    expect(m.attempts[1].providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(m.attempts[1].units).toBe(1);
    const ledger = await h.ledger('+819011110002');
    expect(ledger.map((i) => [i.channel, i.text])).toEqual([['sms', 'お支払い期限は11月30日です。']]);
  });

  it('remembers that LINE cannot reach a number and goes straight to SMS next time', async () => {
    h.todoke.sandbox!.setNumber('+819011110003', { line: 'not_found', sms: 'delivered', smsDelayMs: 20 });
    const first = await h.post('/v1/messages', body('09011110003'));
    await h.waitForMessage(first.body.id, (x) => x.status === 'delivered');
    const second = await h.post('/v1/messages', body('09011110003', { text: '二通目' }));
    const m = await h.waitForMessage(second.body.id, (x) => x.status === 'delivered');
    expect(m.attempts.map((a: any) => a.channel)).toEqual(['sms']);
    expect(m.events.map((e: any) => e.type)).toContain('skipped');
  });

  it('falls back after fallbackAfter when LINE accepts but never delivers (blocked)', async () => {
    h.todoke.sandbox!.setNumber('+819011110004', { line: 'blocked', sms: 'delivered', smsDelayMs: 20 });
    const sent = await h.post('/v1/messages', body('09011110004'));
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'delivered');
    expect(m.attempts.map((a: any) => [a.channel, a.status])).toEqual([
      ['line_pnp', 'unconfirmed'],
      ['sms', 'delivered'],
    ]);
    expect(m.lateDelivery).toBe(false);
    expect((await h.ledger('+819011110004')).map((i) => i.channel)).toEqual(['sms']);
  });

  it('records a LINE delivery that arrives after the SMS fallback, never hiding it', async () => {
    h.todoke.sandbox!.setNumber('+819011110005', {
      line: 'consent_pending',
      lineDelayMs: 1500,
      sms: 'delivered',
      smsDelayMs: 2500,
    });
    const sent = await h.post('/v1/messages', body('09011110005'));
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'delivered' && x.lateDelivery);
    expect(m.deliveredVia).toBe('line_pnp');
    expect(m.events.map((e: any) => e.type)).toContain('late_delivery');
    // The SMS had already left: the person gets both, and both show.
    const settled = await h.waitForMessage(
      sent.body.id,
      (x) => x.attempts.every((a: any) => a.status === 'delivered'),
      8000,
    );
    expect(settled.attempts.map((a: any) => a.channel)).toEqual(['line_pnp', 'sms']);
    expect((await h.ledger('+819011110005')).map((i) => i.channel).sort()).toEqual(['line_pnp', 'sms']);
  });

  it('fails the message when no channel reaches the person', async () => {
    h.todoke.sandbox!.setNumber('+819011110006', { line: 'not_found', sms: 'undelivered', smsDelayMs: 20 });
    const sent = await h.post('/v1/messages', body('09011110006'));
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'failed');
    expect(m.finalReason).toBe('undelivered');
    expect(await h.ledger('+819011110006')).toEqual([]);
  });

  it('sends on the same channel only once per idempotency key', async () => {
    h.todoke.sandbox!.setNumber('+819011110007', { line: 'delivered', lineDelayMs: 20 });
    const headers = { 'idempotency-key': 'reminder-2026-11-0007' };
    const a = await h.post('/v1/messages', body('09011110007'), headers);
    const b = await h.post('/v1/messages', body('09011110007'), headers);
    expect(b.body.id).toBe(a.body.id);
    await h.waitForMessage(a.body.id, (x) => x.status === 'delivered');
    expect((await h.ledger('+819011110007')).length).toBe(1);
  });

  it('cancels a scheduled message before anything is sent', async () => {
    const sendAt = new Date(Date.now() + 60_000).toISOString();
    const sent = await h.post('/v1/messages', body('09011110008', { sendAt }));
    await h.waitForMessage(sent.body.id, (x) => x.status === 'scheduled');
    const canceled = await h.post(`/v1/messages/${sent.body.id}/cancel`, {});
    expect(canceled.status).toBe(200);
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'canceled');
    expect(m.attempts).toEqual([]);
  });

  it('expires a message whose expiresAt passes before it could be delivered', async () => {
    h.todoke.sandbox!.setNumber('+819011110009', { line: 'blocked' });
    const expiresAt = new Date(Date.now() + 400).toISOString();
    const sent = await h.post('/v1/messages', body('09011110009', { expiresAt, route: 'line-only' }));
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'expired');
    expect(m.attempts.map((a: any) => a.status)).toEqual(['accepted']);
  });

  it('waits out each retry backoff before trying again after a provider error', async () => {
    h.todoke.sandbox!.setNumber('+819011110010', { sms: 'delivered', smsDelayMs: 20 });
    h.todoke.sandbox!.addFault({ provider: 'twilio', kind: '5xx', count: 2 });
    const sent = await h.post('/v1/messages', {
      ...body('09011110010'),
      route: {
        steps: [{ channel: 'sms', accounts: ['twilio-sandbox'], retry: { initialBackoff: '300ms' } }],
      },
    });
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'delivered', 15_000);
    expect(m.attempts.map((a: any) => a.status)).toEqual(['failed', 'failed', 'delivered']);
    // Each retry goes no sooner than the backoff it scheduled (half fixed, half jitter: at least 150 ms, 300 ms).
    const scheduled = m.events.filter((e: any) => e.type === 'retry_scheduled').map((e: any) => e.data.inMs);
    expect(scheduled).toHaveLength(2);
    const at = m.attempts.map((a: any) => Date.parse(a.createdAt));
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(scheduled[0]);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(scheduled[1]);
  });
});
