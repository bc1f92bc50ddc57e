import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';

/** SMS through the sandbox's gateways in failover order, each account tried twice 100 ms apart. */
const smsRoute = (accounts: string[]) => ({
  steps: [
    {
      channel: 'sms',
      accounts,
      fallbackAfter: '10s',
      retry: { maxAttempts: 2, initialBackoff: '100ms', maxBackoff: '100ms' },
    },
  ],
});

describe('provider failover inside an SMS step', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    h.todoke.sandbox!.clearFaults();
    await h.close();
  });

  it('moves to the next gateway when one keeps failing past its retry budget, and each reaches the person once', async () => {
    const sandbox = h.todoke.sandbox!;
    sandbox.setNumber('+819022220001', { sms: 'delivered', smsDelayMs: 20 });
    sandbox.addFault({ provider: 'twilio', kind: '5xx', count: 2 });
    const sent = await h.post('/v1/messages', {
      to: { phone: '090-2222-0001' },
      purpose: 'usage_alert',
      route: smsRoute(['twilio-sandbox', 'karaden-sandbox', 'vonage-sandbox']),
      text: 'ご利用のお知らせ',
    });
    expect(sent.status).toBe(202);
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'delivered');
    expect(m.attempts.map((a: any) => [a.provider, a.status])).toEqual([
      ['twilio', 'failed'],
      ['twilio', 'failed'],
      ['karaden', 'delivered'],
    ]);
    // 空電プッシュ tells the units it charged; the account's flat price turns them into yen.
    expect(m.attempts[2].units).toBe(1);
    expect(m.attempts[2].cost).toBe(8);
    const ledger = await h.ledger('+819022220001');
    expect(ledger.map((i) => [i.channel, i.provider])).toEqual([['sms', 'karaden']]);
  });

  it('reaches the last gateway when the ones before it fail, Vonage included', async () => {
    const sandbox = h.todoke.sandbox!;
    sandbox.setNumber('+819022220002', { sms: 'delivered', smsDelayMs: 20 });
    sandbox.addFault({ provider: 'karaden', kind: '5xx', count: 2 });
    const sent = await h.post('/v1/messages', {
      to: { phone: '090-2222-0002' },
      purpose: 'usage_alert',
      route: smsRoute(['karaden-sandbox', 'vonage-sandbox']),
      text: 'ご利用のお知らせ',
    });
    const m = await h.waitForMessage(sent.body.id, (x) => x.status === 'delivered');
    expect(m.attempts.map((a: any) => [a.provider, a.status])).toEqual([
      ['karaden', 'failed'],
      ['karaden', 'failed'],
      ['vonage', 'delivered'],
    ]);
    expect(m.deliveredVia).toBe('sms');
    const ledger = await h.ledger('+819022220002');
    expect(ledger.map((i) => i.provider)).toEqual(['vonage']);
  });

  it('sends the rest of a batch over SMS once LINE answers its monthly limit, without asking LINE again', async () => {
    const sandbox = h.todoke.sandbox!;
    const phones = Array.from({ length: 21 }, (_, i) => `+8190444400${String(i).padStart(2, '0')}`);
    for (const phone of phones) {
      sandbox.setNumber(phone, { line: 'delivered', lineDelayMs: 20, sms: 'delivered', smsDelayMs: 20 });
    }
    // From now on LINE refuses every request of this channel: its monthly limit is reached.
    sandbox.addFault({ provider: 'line', kind: 'monthly_limit', durationMs: 60_000 });
    const item = (phone: string, i: number) => ({
      to: { phone },
      purpose: 'usage_alert',
      route: {
        steps: [
          { channel: 'line_pnp', fallbackAfter: '10s' },
          { channel: 'sms', accounts: ['twilio-sandbox'] },
        ],
      },
      text: `ご利用のお知らせ #${i}`,
      priority: 'bulk',
    });
    const first = await h.post('/v1/messages', item(phones[0]!, 0));
    const opened = await h.waitForMessage(first.body.id, (x) => x.status === 'delivered');
    expect(opened.attempts.map((a: any) => [a.channel, a.status, a.error?.code ?? null])).toEqual([
      ['line_pnp', 'failed', 'line_monthly_limit'],
      ['sms', 'delivered', null],
    ]);
    const batch = await h.post('/v1/messages/batch', {
      items: phones.slice(1).map((p, i) => item(p, i + 1)),
    });
    expect(batch.status).toBe(200);
    const ids = batch.body.items.map((x: any) => x.id as string);
    const done = await Promise.all(
      ids.map((id: string) => h.waitForMessage(id, (x) => x.status === 'delivered')),
    );
    // The circuit is open: the rest of the batch goes to SMS without one more LINE request.
    expect(done.flatMap((m) => m.attempts.map((a: any) => a.channel))).toEqual(
      phones.slice(1).map(() => 'sms'),
    );
    for (const phone of phones) expect((await h.ledger(phone)).map((i) => i.channel)).toEqual(['sms']);
    sandbox.clearFaults();
    // The circuit stays open until the Japanese month ends, then closes (src/engine/circuits.test.ts).
  });

  it('sends e-mail through the SMTP sandbox when the route says so', async () => {
    const sent = await h.post('/v1/messages', {
      to: { email: 'hanako@example.jp' },
      purpose: 'usage_alert',
      route: { steps: [{ channel: 'email' }] },
      content: { email: { subject: 'ご利用のお知らせ', text: '本日のご利用は 3,000 円です。' } },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const m = await h.waitForMessage(
      sent.body.id,
      (x) =>
        ['delivered', 'sending', 'failed'].includes(x.status) &&
        x.attempts.length > 0 &&
        x.attempts[0].status !== 'sending',
    );
    expect(m.attempts.map((a: any) => [a.channel, a.provider, a.status])).toEqual([
      ['email', 'email', 'accepted'],
    ]);
    const ledger = (await h.get('/__sandbox/ledger?to=hanako@example.jp')).body.items;
    expect(ledger.map((i: any) => [i.channel, i.text])).toEqual([
      ['email', 'ご利用のお知らせ\n\n本日のご利用は 3,000 円です。'],
    ]);
  });
});
