import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { ManualClock } from '../core/clock.js';
import { phoneHmac } from '../core/phone.js';
import type { DecideInput } from '../core/route-policy.js';
import { addressHmac } from '../core/suppression.js';
import { createLogger } from '../observability/logger.js';
import type { AttemptRecord, MessageRecord, SuppressionRecord } from '../store/records.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { newMessage } from '../store/store.conformance.js';
import { decideWithDeliveryRules, type RulesContext } from './delivery-rules.js';

const SECRET = 'test-secret-0123456789';
const PHONE = '+819012345678';
const LINE_USER = `U${'b'.repeat(32)}`;
const retry = { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 8000 };
const lineThenSms = {
  name: 'line-then-sms',
  steps: [
    { channel: 'line_pnp' as const, accounts: ['line'], fallbackAfterMs: 900_000, retry },
    { channel: 'sms' as const, accounts: ['twilio'], fallbackAfterMs: 600_000, retry },
  ],
};
const pushThenSms = {
  name: null,
  steps: [
    { channel: 'line_push' as const, accounts: ['line'], fallbackAfterMs: 300_000, retry },
    { channel: 'sms' as const, accounts: ['twilio'], fallbackAfterMs: 600_000, retry },
  ],
};
const jst = (text: string) => Date.parse(`${text}+09:00`);

let dir: string;
let store: SqliteStore;
let clock: ManualClock;
let ctx: RulesContext;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'todoke-rules-'));
  clock = new ManualClock(jst('2026-11-24T12:00:00'));
  store = await openSqliteStore({ file: join(dir, 'todoke.db'), clock, writer: 'inline' });
  const ids = monotonicFactory();
  ctx = {
    store,
    config: loadConfig({ TODOKE_SECRET: SECRET }),
    clock,
    logger: createLogger('silent'),
    newId: () => ids(clock.now()),
  };
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function message(overrides: Partial<MessageRecord> = {}): MessageRecord {
  const m = newMessage({
    phone: PHONE,
    phoneHmac: phoneHmac(SECRET, PHONE),
    route: lineThenSms,
    ...overrides,
  });
  return {
    ...m,
    status: 'accepted',
    stepIndex: 0,
    accountIndex: 0,
    stepTries: 0,
    nextRunAt: m.createdAt,
    leaseOwner: null,
    leaseUntil: null,
    deliveredVia: null,
    deliveredAt: null,
    finalReason: null,
    lateDelivery: false,
    version: 0,
    updatedAt: m.createdAt,
    ...overrides,
  };
}

function decideFor(m: MessageRecord, attempts: AttemptRecord[] = []) {
  const input: DecideInput = {
    message: m,
    attempts,
    now: clock.now(),
    isKnownUnreachable: () => false,
    isAccountUsable: () => true,
  };
  return decideWithDeliveryRules(ctx, m, attempts, input);
}

function suppression(overrides: Partial<SuppressionRecord>): SuppressionRecord {
  return {
    id: ctx.newId(),
    addressHmac: phoneHmac(SECRET, PHONE),
    addressHint: '+81 ****-5678',
    channel: 'sms',
    purposeClass: 'promotional',
    reason: 'api',
    source: null,
    createdAt: clock.now(),
    ...overrides,
  };
}

describe('decideWithDeliveryRules: suppressions', () => {
  it('skips a suppressed step with a suppressed event and sends on the next', async () => {
    await store.addSuppressions([
      suppression({ channel: 'line_push', addressHmac: addressHmac(SECRET, 'lineUserId', LINE_USER) }),
    ]);
    await store.addSuppressions([
      suppression({
        channel: 'line_push',
        purposeClass: 'transactional',
        addressHmac: addressHmac(SECRET, 'lineUserId', LINE_USER),
      }),
    ]);
    const d = await decideFor(message({ purpose: 'promotion', route: pushThenSms, lineUserId: LINE_USER }));
    expect(d.events[0]).toEqual({ type: 'suppressed', attemptId: null, data: { channel: 'line_push' } });
    expect(d.send).toMatchObject({ channel: 'sms' });
  });

  it('ends a message whose every step is suppressed as failed, suppressed', async () => {
    await store.addSuppressions([
      suppression({ channel: 'sms', purposeClass: 'transactional' }),
      suppression({ channel: 'line_pnp', purposeClass: 'transactional' }),
    ]);
    const d = await decideFor(message());
    expect(d.send).toBeUndefined();
    expect(d.message).toMatchObject({ status: 'failed', finalReason: 'suppressed' });
  });

  it('keeps classes apart: an advert opt-out does not stop a payment reminder', async () => {
    await store.addSuppressions([suppression({ channel: 'sms' }), suppression({ channel: 'line_pnp' })]);
    const d = await decideFor(message({ purpose: 'payment_reminder' }));
    expect(d.send).toMatchObject({ channel: 'line_pnp' });
  });

  it('does not look at another number', async () => {
    await store.addSuppressions([
      suppression({ addressHmac: phoneHmac(SECRET, '+819099999999'), purposeClass: 'transactional' }),
    ]);
    const d = await decideFor(message({ route: { name: null, steps: [lineThenSms.steps[1]!] } }));
    expect(d.send).toMatchObject({ channel: 'sms' });
  });

  it('records a Twilio 21610 opt-out as an SMS suppression for promotional messages', async () => {
    const m = message({ purpose: 'payment_reminder', status: 'sending', stepIndex: 1 });
    const optedOut: AttemptRecord = {
      id: ctx.newId(),
      messageId: m.id,
      stepIndex: 1,
      channel: 'sms',
      account: 'twilio',
      provider: 'twilio',
      status: 'undelivered',
      providerMessageId: null,
      errorClass: 'unreachable',
      errorCode: 'twilio_21610',
      errorDetail: null,
      units: null,
      cost: null,
      createdAt: clock.now(),
      updatedAt: clock.now(),
      receiptDeadline: null,
    };
    const d = await decideFor(m, [optedOut]);
    expect(d.message).toMatchObject({ status: 'failed' });
    expect(await store.findSuppressions([phoneHmac(SECRET, PHONE)])).toMatchObject([
      { channel: 'sms', purposeClass: 'promotional', reason: 'sms_opt_out', addressHint: '+81 ****-5678' },
    ]);
    // The next advert to the number skips its SMS step.
    const advert = message({ purpose: 'promotion', route: { name: null, steps: [lineThenSms.steps[1]!] } });
    expect((await decideFor(advert)).message).toMatchObject({ status: 'failed', finalReason: 'suppressed' });
    // A payment reminder still goes to Twilio, whose own answer stays authoritative.
    expect(
      (await decideFor(message({ route: { name: null, steps: [lineThenSms.steps[1]!] } }))).send,
    ).toMatchObject({
      channel: 'sms',
    });
  });
});

describe('decideWithDeliveryRules: send windows', () => {
  it('holds a payment reminder at 22:00 in Tokyo until 08:00', async () => {
    clock.set(jst('2026-11-24T22:00:00'));
    const d = await decideFor(message({ purpose: 'payment_reminder' }));
    expect(d.send).toBeUndefined();
    expect(d.message).toMatchObject({ status: 'scheduled', nextRunAt: jst('2026-11-25T08:00:00') });
    expect(d.events).toMatchObject([{ type: 'window_wait', data: { channel: 'line_pnp' } }]);
  });

  it('sends a security alert (critical) at any hour, and a purpose without a window too', async () => {
    clock.set(jst('2026-11-24T03:00:00'));
    expect((await decideFor(message({ purpose: 'security_alert' }))).send).toMatchObject({
      channel: 'line_pnp',
    });
    expect((await decideFor(message({ purpose: 'shipping_notice' }))).send).toMatchObject({
      channel: 'line_pnp',
    });
  });

  it('ends a suppressed message at once rather than holding it for the window', async () => {
    clock.set(jst('2026-11-24T22:00:00'));
    await store.addSuppressions([
      suppression({ channel: 'sms', purposeClass: 'transactional' }),
      suppression({ channel: 'line_pnp', purposeClass: 'transactional' }),
    ]);
    const d = await decideFor(message({ purpose: 'payment_reminder' }));
    expect(d.message).toMatchObject({ status: 'failed', finalReason: 'suppressed' });
  });

  it("uses the recipient's time zone", async () => {
    // 12:00 in Tokyo is 22:00 in New York.
    const d = await decideFor(message({ purpose: 'payment_reminder', timeZone: 'America/New_York' }));
    expect(d.message).toMatchObject({
      status: 'scheduled',
      nextRunAt: Date.parse('2026-11-24T08:00:00-05:00'),
    });
  });
});
