import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.close());

function send(body: unknown) {
  return t.app.inject({ method: 'POST', url: '/v1/messages', headers: t.auth, payload: body as object });
}

const promo = {
  to: { phone: '090-1234-5678' },
  purpose: 'promotion',
  route: 'sms-only',
  text: '冬のセールのご案内です。配信停止はSTOPと返信してください。',
};

describe('GET /v1/purposes', () => {
  it('lists the configured purposes with their channels, consent and windows', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/purposes', headers: t.auth });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { name: string }[];
    expect(items).toHaveLength(12);
    expect(items.find((p) => p.name === 'payment_reminder')).toEqual({
      name: 'payment_reminder',
      label: { ja: 'お支払いのお願い', en: 'Payment reminder' },
      class: 'transactional',
      channels: ['line_pnp', 'line_push', 'sms', 'email'],
      promotional: false,
      consentRequired: false,
      window: { start: '08:00', end: '21:00', skipHolidays: false },
      critical: false,
    });
    expect(items.find((p) => p.name === 'promotion')).toMatchObject({
      class: 'promotional',
      channels: ['line_push', 'sms', 'email'],
      consentRequired: true,
    });
  });

  it('needs an API key', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/purposes' })).statusCode).toBe(401);
  });
});

describe('purpose rules at acceptance', () => {
  it('refuses a promotion over LINE notification messages with 422 channel_not_allowed', async () => {
    const res = await send({
      ...promo,
      route: 'line-then-sms',
      to: { ...promo.to, optedInAt: '2026-01-01T00:00:00+09:00' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'channel_not_allowed', step: 0, channel: 'line_pnp' });
    expect(res.json().detail).toContain('LINE forbids promotional content');
  });

  it('sends promotional SMS only to people who opted in, and keeps when they did', async () => {
    const refused = await send(promo);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'consent_required', channel: 'sms' });
    const res = await send({ ...promo, to: { ...promo.to, optedInAt: '2026-01-01T00:00:00+09:00' } });
    expect(res.statusCode).toBe(202);
    expect(await t.store.getMessage(res.json().id)).toMatchObject({
      optedInAt: Date.parse('2026-01-01T00:00:00+09:00'),
    });
  });

  it('refuses an opt-in in the future', async () => {
    const res = await send({ ...promo, to: { ...promo.to, optedInAt: '2099-01-01T00:00:00Z' } });
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'to.optedInAt' }] });
  });

  it('blocks a promotional SMS without opt-out wording (content rule)', async () => {
    const res = await send({
      ...promo,
      text: '冬のセールのご案内です。',
      to: { ...promo.to, optedInAt: '2026-01-01T00:00:00+09:00' },
    });
    expect(res.json()).toMatchObject({ code: 'content_blocked', findings: [{ ruleId: 'missing_opt_out' }] });
  });

  it('keeps the recipient time zone, and refuses one that does not exist', async () => {
    const base = {
      to: { phone: '090-1234-5678' },
      purpose: 'payment_reminder',
      route: 'sms-only',
      text: 'x',
    };
    const res = await send({ ...base, to: { ...base.to, timeZone: 'America/New_York' } });
    expect(res.statusCode).toBe(202);
    expect(await t.store.getMessage(res.json().id)).toMatchObject({ timeZone: 'America/New_York' });
    const wrong = await send({ ...base, to: { ...base.to, timeZone: 'Mars/Olympus' } });
    expect(wrong.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: 'to.timeZone' }] });
  });
});
