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
