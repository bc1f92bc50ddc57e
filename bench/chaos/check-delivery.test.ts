import { describe, expect, it } from 'vitest';
import {
  checkDelivery,
  needsHistory,
  type AttemptSummary,
  type Delivery,
  type MessageHistory,
} from './check-delivery.js';
import type { Recipient } from './population.js';

const recipient = (index: number, expect: Recipient['expect'] = 'reachable'): Recipient => ({
  index,
  phone: `+81900000000${index}`,
  kind: expect === 'reachable' ? 'line user' : 'no line, sms undelivered',
  settings: null,
  expect,
});
const delivery = (index: number, channel = 'line_pnp'): Delivery => ({
  index,
  channel,
  at: '2026-11-22T00:00:00.000Z',
  attemptRef: `ref-${index}`,
});
const message = (index: number, status = 'delivered') => ({ index, id: `m${index}`, status });
const attempt = (channel: string, status: string, errorClass: string | null = null): AttemptSummary => ({
  channel,
  status,
  errorClass,
  line: `${channel} ${status}`,
});
const history = (...attempts: AttemptSummary[]): MessageHistory => ({ attempts });

describe('checkDelivery', () => {
  it('passes a run where every reachable person got exactly one message and nobody else got any', () => {
    const v = checkDelivery(
      [recipient(0), recipient(1), recipient(2, 'unreachable')],
      [delivery(0), delivery(1, 'sms')],
      [message(0), message(1), message(2, 'failed')],
      new Map(),
    );
    expect(v).toMatchObject({ recipients: 3, reachable: 2, unreachable: 1, messages: 3, exactlyOnce: 2 });
    expect(v.violations).toBe(0);
  });

  it('allows a second delivery only where an attempt on that channel had an unknown outcome never settled as a failure', () => {
    const recipients = [recipient(0), recipient(1), recipient(2)];
    const deliveries = [delivery(0), delivery(0, 'sms'), delivery(1), delivery(1, 'sms'), delivery(2, 'sms')];
    deliveries.push(delivery(2, 'sms'));
    expect(needsHistory(recipients, deliveries)).toEqual([0, 1, 2]);
    const v = checkDelivery(
      recipients,
      deliveries,
      [message(0), message(1), message(2)],
      new Map([
        // LINE's outcome unknown (a crash mid-request), SMS after the wait, then LINE turned out delivered.
        [0, history(attempt('line_pnp', 'delivered', 'unknown'), attempt('sms', 'delivered'))],
        // No unknown outcome at all.
        [1, history(attempt('line_pnp', 'unconfirmed'), attempt('sms', 'delivered'))],
        // The first SMS was settled as "not at the provider" and sent again, but it had reached the person.
        [2, history(attempt('sms', 'failed', 'not_sent'), attempt('sms', 'delivered'))],
      ]),
    );
    expect(v.twiceAfterUnknown.map((f) => f.index)).toEqual([0]);
    expect(v.twice.map((f) => f.index)).toEqual([1, 2]);
    expect(v.twice[0]!.received).toHaveLength(2);
    expect(v.violations).toBe(2);
  });

  it('lets one unknown outcome account for one extra delivery, not two', () => {
    const deliveries = [delivery(0, 'sms'), delivery(0, 'sms'), delivery(0, 'sms')];
    const v = checkDelivery(
      [recipient(0)],
      deliveries,
      [message(0)],
      new Map([[0, history(attempt('sms', 'failed', 'not_sent'), attempt('sms', 'delivered', 'unknown'))]]),
    );
    expect(v.twice.map((f) => f.index)).toEqual([0]);
  });

  it('calls a reachable person with nothing received lost, unknown outcome or not, and flags a delivered status without a delivery', () => {
    const v = checkDelivery(
      [recipient(0), recipient(1)],
      [],
      [message(0, 'failed'), message(1)],
      new Map([
        [0, history(attempt('sms', 'failed', 'permanent'))],
        [1, history(attempt('sms', 'unconfirmed', 'unknown'))],
      ]),
    );
    expect(v.lost.map((f) => f.index)).toEqual([0, 1]);
    expect(v.lostAfterUnknown).toBe(1);
    expect(v.deliveredButNothingReceived.map((f) => f.index)).toEqual([1]);
    expect(v.violations).toBe(3);
  });

  it('flags messages not in a final state, missing messages, and deliveries to unreachable people', () => {
    const v = checkDelivery(
      [recipient(0), recipient(1), recipient(2, 'unreachable')],
      [delivery(0), delivery(1), delivery(2, 'sms')],
      [message(0, 'sending'), message(2, 'failed')],
      new Map(),
    );
    expect(v.stuck.map((f) => f.index)).toEqual([0]);
    expect(v.missing).toEqual([1]);
    expect(v.receivedWhileUnreachable.map((f) => f.index)).toEqual([2]);
    expect(v.violations).toBe(3);
  });
});
