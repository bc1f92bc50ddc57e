import { describe, expect, it } from 'vitest';
import type { AttemptView, MessageView } from './decision.js';
import { decide, type DecideInput } from './route-policy.js';
import type { SendWindow } from './send-window.js';

const retry = { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 8000 };
const route = {
  name: 'line-then-sms',
  steps: [
    { channel: 'line_pnp' as const, accounts: ['line-a'], fallbackAfterMs: 900_000, retry },
    { channel: 'sms' as const, accounts: ['twilio'], fallbackAfterMs: 600_000, retry },
  ],
};
const reminders: SendWindow = { start: '08:00', end: '21:00', skipHolidays: false };
const jst = (text: string) => Date.parse(`${text}+09:00`);

const message = (over: Partial<MessageView> = {}): MessageView => ({
  id: 'm1',
  status: 'accepted',
  route,
  stepIndex: 0,
  accountIndex: 0,
  stepTries: 0,
  sendAt: null,
  expiresAt: null,
  deliveredVia: null,
  lateDelivery: false,
  ...over,
});
const input = (over: Partial<DecideInput> = {}): DecideInput => ({
  message: message(),
  attempts: [],
  now: jst('2026-11-24T12:00:00'),
  isKnownUnreachable: () => false,
  isAccountUsable: () => true,
  purpose: { window: reminders, critical: false },
  ...over,
});

describe('decide: send windows', () => {
  it('sends at once inside the window', () => {
    expect(decide(input()).send).toMatchObject({ channel: 'line_pnp' });
  });

  it('holds a step due outside the window until the next opening, as scheduled', () => {
    const d = decide(input({ now: jst('2026-11-24T22:30:00') }));
    expect(d.send).toBeUndefined();
    expect(d.message).toEqual({
      status: 'scheduled',
      nextRunAt: jst('2026-11-25T08:00:00'),
      stepIndex: 0,
      accountIndex: 0,
      stepTries: 0,
    });
    expect(d.events).toEqual([
      {
        type: 'window_wait',
        attemptId: null,
        data: { channel: 'line_pnp', until: '2026-11-24T23:00:00.000Z' },
      },
    ]);
  });

  it('holds an SMS fallback due at 21:05 until 08:00, keeping the step it moved to', () => {
    const unconfirmed: AttemptView = {
      id: 'a1',
      stepIndex: 0,
      channel: 'line_pnp',
      account: 'line-a',
      status: 'accepted',
      errorClass: null,
      units: null,
      receiptDeadline: jst('2026-11-24T21:05:00'),
      createdAt: jst('2026-11-24T20:50:00'),
    };
    const d = decide(
      input({
        message: message({ status: 'sending', stepTries: 1 }),
        attempts: [unconfirmed],
        now: jst('2026-11-24T21:05:00'),
      }),
    );
    expect(d.send).toBeUndefined();
    expect(d.events.map((e) => e.type)).toEqual(['unconfirmed', 'fallback', 'window_wait']);
    expect(d.message).toMatchObject({
      status: 'scheduled',
      stepIndex: 1,
      stepTries: 0,
      nextRunAt: jst('2026-11-25T08:00:00'),
    });
    // At 08:00 the SMS goes out.
    const later = decide(
      input({
        message: message({ status: 'scheduled', stepIndex: 1 }),
        attempts: [{ ...unconfirmed, status: 'unconfirmed' }],
        now: jst('2026-11-25T08:00:00'),
      }),
    );
    expect(later.send).toMatchObject({ stepIndex: 1, channel: 'sms' });
  });

  it('sends a critical message at any hour', () => {
    const d = decide(
      input({ now: jst('2026-11-24T03:00:00'), purpose: { window: reminders, critical: true } }),
    );
    expect(d.send).toMatchObject({ channel: 'line_pnp' });
  });

  it('expires a message whose expiry comes before the next opening', () => {
    const d = decide(
      input({
        now: jst('2026-11-24T22:00:00'),
        message: message({ expiresAt: jst('2026-11-25T07:00:00') }),
      }),
    );
    expect(d.send).toBeUndefined();
    expect(d.message).toMatchObject({
      status: 'expired',
      finalReason: 'outside_send_window',
      nextRunAt: null,
    });
    expect(d.events[0]).toMatchObject({
      type: 'expired',
      data: { reason: 'outside_send_window', opensAt: '2026-11-24T23:00:00.000Z' },
    });
  });

  it('waits when the expiry comes after the opening', () => {
    const d = decide(
      input({
        now: jst('2026-11-24T22:00:00'),
        message: message({ expiresAt: jst('2026-11-25T09:00:00') }),
      }),
    );
    expect(d.message).toMatchObject({ status: 'scheduled', nextRunAt: jst('2026-11-25T08:00:00') });
  });

  it('fails a message whose window never opens', () => {
    const d = decide(
      input({
        purpose: { window: { ...reminders, skipHolidays: true }, critical: false },
        holidays: () => true,
      }),
    );
    expect(d.message).toMatchObject({ status: 'failed', finalReason: 'outside_send_window' });
  });

  it('uses the recipient time zone', () => {
    // 12:00 in Tokyo is 22:00 the evening before in New York.
    const d = decide(input({ timeZone: 'America/New_York' }));
    expect(d.send).toBeUndefined();
    expect(d.message.nextRunAt).toBe(Date.parse('2026-11-24T08:00:00-05:00'));
  });

  it('skips holidays when the window says so', () => {
    const d = decide(
      input({
        now: jst('2026-11-23T12:00:00'),
        purpose: { window: { ...reminders, skipHolidays: true }, critical: false },
      }),
    );
    expect(d.message.nextRunAt).toBe(jst('2026-11-24T08:00:00'));
  });

  it('waits for sendAt first, then for the window', () => {
    const sendAt = jst('2026-11-24T21:30:00');
    const first = decide(input({ now: jst('2026-11-24T20:00:00'), message: message({ sendAt }) }));
    expect(first.message).toMatchObject({ status: 'scheduled', nextRunAt: sendAt });
    const second = decide(input({ now: sendAt, message: message({ sendAt, status: 'scheduled' }) }));
    expect(second.message).toMatchObject({ status: 'scheduled', nextRunAt: jst('2026-11-25T08:00:00') });
  });
});

describe('decide: suppressions', () => {
  it('skips a suppressed step with a suppressed event and sends on the next', () => {
    const d = decide(input({ isSuppressed: (c) => c === 'line_pnp' }));
    expect(d.events[0]).toEqual({ type: 'suppressed', attemptId: null, data: { channel: 'line_pnp' } });
    expect(d.events[1]).toMatchObject({ type: 'fallback', data: { reason: 'suppressed' } });
    expect(d.send).toMatchObject({ stepIndex: 1, channel: 'sms' });
  });

  it('fails a message whose every step is suppressed, with finalReason suppressed', () => {
    const d = decide(input({ isSuppressed: () => true }));
    expect(d.send).toBeUndefined();
    expect(d.message).toMatchObject({ status: 'failed', finalReason: 'suppressed', nextRunAt: null });
    expect(d.events.map((e) => e.type)).toEqual(['suppressed', 'fallback', 'suppressed', 'failed']);
  });

  it('skips a suppressed last step too, unlike reachability memory', () => {
    const single = { name: null, steps: [route.steps[1]!] };
    const d = decide(input({ message: message({ route: single }), isSuppressed: (c) => c === 'sms' }));
    expect(d.message).toMatchObject({ status: 'failed', finalReason: 'suppressed' });
  });

  it('checks suppression before the window: a suppressed message does not wait for the night to end', () => {
    const d = decide(input({ now: jst('2026-11-24T23:00:00'), isSuppressed: () => true }));
    expect(d.message).toMatchObject({ status: 'failed', finalReason: 'suppressed' });
  });
});
