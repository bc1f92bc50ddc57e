import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptRecord, NewMessage, StoredReceipt } from './records.js';
import type { Store } from './store.js';
import { templateAndSuppressionConformance } from './templates-suppressions.conformance.js';

/** A fresh, empty store for one test, and how to reopen the same data (to prove durability). */
export interface StoreHarness {
  store: Store;
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
let seq = 0;
const nextId = () => `01JTEST${String(++seq).padStart(19, '0')}`;

export function newMessage(overrides: Partial<NewMessage> = {}): NewMessage {
  const id = overrides.id ?? nextId();
  return {
    id,
    idempotencyKey: id,
    requestHash: 'hash-a',
    phone: '+819012345678',
    phoneHmac: 'hmac-1',
    lineUserId: null,
    email: null,
    purpose: 'payment_reminder',
    route: {
      name: 'line-then-sms',
      steps: [
        {
          channel: 'line_pnp',
          accounts: ['line'],
          fallbackAfterMs: 900_000,
          retry: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 60_000 },
        },
        {
          channel: 'sms',
          accounts: ['twilio'],
          fallbackAfterMs: 1_800_000,
          retry: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 60_000 },
        },
      ],
    },
    content: { text: 'お支払いのお願い' },
    priority: 'realtime',
    sendAt: null,
    expiresAt: null,
    campaignId: null,
    metadata: { orderId: 'A-1' },
    apiKeyId: null,
    createdAt: T0,
    ...overrides,
  };
}

/** A LINE delivery receipt of attempt a-1, as a webhook stores it. */
function newReceipt(overrides: Partial<Omit<StoredReceipt, 'seq'>> = {}): Omit<StoredReceipt, 'seq'> {
  return {
    provider: 'line',
    account: 'line',
    eventId: 'ev-1',
    attemptId: 'a-1',
    providerMessageId: null,
    status: 'delivered',
    errorCode: null,
    units: 1,
    occurredAt: T0,
    receivedAt: T0,
    ...overrides,
  };
}

function newAttempt(messageId: string, overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: nextId(),
    messageId,
    stepIndex: 0,
    channel: 'line_pnp',
    account: 'line',
    provider: 'line',
    status: 'sending',
    providerMessageId: null,
    errorClass: null,
    errorCode: null,
    errorDetail: null,
    units: null,
    cost: null,
    createdAt: T0,
    updatedAt: T0,
    receiptDeadline: null,
    ...overrides,
  };
}

/** The behaviour every Store implementation must have. A difference between implementations is a bug. */
export function describeStoreConformance(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`Store conformance: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await makeHarness();
      store = h.store;
    });
    afterEach(async () => {
      await h?.cleanup();
    });

    templateAndSuppressionConformance(
      () => store,
      () => h.reopen(),
      newMessage,
    );

    it('stores accepted messages durably: they are there after reopening', async () => {
      const m = newMessage();
      const [result] = await store.acceptMessages([m]);
      expect(result?.result).toBe('created');
      expect(result?.message).toMatchObject({
        id: m.id,
        status: 'accepted',
        stepIndex: 0,
        nextRunAt: T0,
        version: 0,
      });
      expect(await store.getMessage(m.id)).toEqual(result?.message);
      store = await h.reopen();
      const again = await store.getMessage(m.id);
      expect(again).toMatchObject({
        id: m.id,
        phone: m.phone,
        route: m.route,
        content: m.content,
        metadata: m.metadata,
      });
    });

    it('keeps one message per idempotency key: same request → existing, different request → conflict', async () => {
      const m = newMessage({ idempotencyKey: 'order-1' });
      await store.acceptMessages([m]);
      const [same] = await store.acceptMessages([newMessage({ idempotencyKey: 'order-1' })]);
      const [different] = await store.acceptMessages([
        newMessage({ idempotencyKey: 'order-1', requestHash: 'hash-b' }),
      ]);
      expect(same).toMatchObject({ result: 'existing', message: { id: m.id } });
      expect(different).toMatchObject({ result: 'conflict', message: { id: m.id } });
      expect((await store.listMessages({ limit: 10 })).length).toBe(1);
    });

    it('accepts many concurrent requests, each resolved with its own message', async () => {
      const messages = Array.from({ length: 200 }, () => newMessage());
      const results = await Promise.all(messages.map((m) => store.acceptMessages([m])));
      expect(results.map((r) => r[0]?.message.id)).toEqual(messages.map((m) => m.id));
      expect((await store.countMessagesByStatus()).accepted).toBe(200);
    });

    it('claims due messages realtime first, and never hands one out twice while leased', async () => {
      const bulk = newMessage({ priority: 'bulk', createdAt: T0 - 1000 });
      const realtime = newMessage({ priority: 'realtime' });
      const later = newMessage({ createdAt: T0 + 60_000 });
      await store.acceptMessages([bulk, realtime, later]);
      const claimed = await store.claimDueMessages('engine-a', T0, 30_000, 10);
      expect(claimed.map((m) => m.id)).toEqual([realtime.id, bulk.id]);
      expect(claimed[0]).toMatchObject({ leaseOwner: 'engine-a', leaseUntil: T0 + 30_000 });
      expect(await store.claimDueMessages('engine-b', T0 + 1000, 30_000, 10)).toEqual([]);
    });

    it('claims only realtime messages when asked to', async () => {
      const bulk = newMessage({ priority: 'bulk' });
      const realtime = newMessage({ priority: 'realtime' });
      await store.acceptMessages([bulk, realtime]);
      const claimed = await store.claimDueMessages('engine-a', T0, 30_000, 10, { realtimeOnly: true });
      expect(claimed.map((m) => m.id)).toEqual([realtime.id]);
    });

    it('lets another engine take over a message whose lease expired', async () => {
      const m = newMessage();
      await store.acceptMessages([m]);
      await store.claimDueMessages('engine-a', T0, 30_000, 10);
      const taken = await store.claimDueMessages('engine-b', T0 + 30_000, 30_000, 10);
      expect(taken.map((x) => [x.id, x.leaseOwner])).toEqual([[m.id, 'engine-b']]);
    });

    it('stores a message already leased when accepted so, for its holder alone until the lease ends', async () => {
      const m = newMessage({ lease: { owner: 'engine-a', until: T0 + 30_000 } });
      const [result] = await store.acceptMessages([m]);
      expect(result!.message).toMatchObject({ leaseOwner: 'engine-a', leaseUntil: T0 + 30_000 });
      expect(await store.getMessage(m.id)).toMatchObject({
        leaseOwner: 'engine-a',
        leaseUntil: T0 + 30_000,
        nextRunAt: T0 + 30_000,
        version: result!.message.version,
      });
      expect(await store.claimDueMessages('engine-b', T0 + 1000, 30_000, 10)).toEqual([]);
      const taken = await store.claimDueMessages('engine-b', T0 + 30_000, 30_000, 10);
      expect(taken.map((x) => [x.id, x.leaseOwner])).toEqual([[m.id, 'engine-b']]);
    });

    it('reports the earliest due time', async () => {
      expect(await store.nextDueAt()).toBeNull();
      await store.acceptMessages([
        newMessage({ createdAt: T0 + 5000 }),
        newMessage({ createdAt: T0 + 2000 }),
      ]);
      expect(await store.nextDueAt()).toBe(T0 + 2000);
    });

    it('commits a change whole when its guards match', async () => {
      const m = newMessage();
      await store.acceptMessages([m]);
      const attempt = newAttempt(m.id);
      const ok = await store.commit({
        message: {
          id: m.id,
          expectVersion: 0,
          patch: { status: 'sending', nextRunAt: T0 + 900_000, leaseOwner: null },
        },
        newAttempts: [attempt],
        events: [
          { messageId: m.id, attemptId: attempt.id, type: 'attempt_sent', data: { account: 'line' }, at: T0 },
        ],
      });
      expect(ok).toBe(true);
      expect(await store.getMessage(m.id)).toMatchObject({
        status: 'sending',
        version: 1,
        nextRunAt: T0 + 900_000,
      });
      expect(await store.listAttempts(m.id)).toMatchObject([{ id: attempt.id, status: 'sending' }]);
      expect(await store.listEvents(m.id)).toMatchObject([
        { type: 'attempt_sent', data: { account: 'line' } },
      ]);
    });

    it('writes nothing when the message version moved on (compare-and-set)', async () => {
      const m = newMessage();
      await store.acceptMessages([m]);
      expect(await store.commit({ message: { id: m.id, expectVersion: 0, patch: { stepIndex: 1 } } })).toBe(
        true,
      );
      const attempt = newAttempt(m.id);
      const stale = await store.commit({
        message: { id: m.id, expectVersion: 0, patch: { status: 'sending' } },
        newAttempts: [attempt],
        events: [{ messageId: m.id, attemptId: null, type: 'x', data: null, at: T0 }],
      });
      expect(stale).toBe(false);
      expect(await store.listAttempts(m.id)).toEqual([]);
      expect(await store.listEvents(m.id)).toEqual([]);
      expect(await store.getMessage(m.id)).toMatchObject({ status: 'accepted', stepIndex: 1, version: 1 });
    });

    it('undoes the whole change when a later guarded step does not apply', async () => {
      const m = newMessage();
      await store.acceptMessages([m]);
      const attempt = newAttempt(m.id);
      await store.commit({ newAttempts: [attempt] });
      await store.commit({ attempts: [{ id: attempt.id, to: 'delivered', patch: {} }] });
      const refused = await store.commit({
        message: { id: m.id, expectVersion: 0, patch: { stepIndex: 1 } },
        attempts: [{ id: attempt.id, to: 'accepted', patch: { units: 3 } }],
        events: [{ messageId: m.id, attemptId: attempt.id, type: 'x', data: null, at: T0 }],
        reachability: [
          { phoneHmac: 'undone', channel: 'line_pnp', outcome: 'unreachable', code: '422', at: T0 },
        ],
      });
      expect(refused).toBe(false);
      expect(await store.getMessage(m.id)).toMatchObject({ stepIndex: 0, version: 0 });
      expect(await store.findAttempt(attempt.id)).toMatchObject({ status: 'delivered', units: null });
      expect(await store.listEvents(m.id)).toEqual([]);
      expect(await store.getReachability('undone', 'line_pnp')).toBeNull();
    });

    it('commits changes made together independently: one that fails midway undoes itself alone', async () => {
      const [m1, m2, m3, m4] = [newMessage(), newMessage(), newMessage(), newMessage()];
      await store.acceptMessages([m1!, m2!, m3!, m4!]);
      const done = newAttempt(m2!.id);
      const taken = newAttempt(m4!.id);
      await store.commit({ newAttempts: [done, taken] });
      await store.commit({ attempts: [{ id: done.id, to: 'delivered', patch: {} }] });
      const bump = (id: string) => ({ message: { id, expectVersion: 0, patch: { stepIndex: 2 } } });
      const results = await Promise.allSettled([
        store.commit(bump(m1!.id)),
        // The message patch applies, then the attempt's guard misses: all of it is undone.
        store.commit({ ...bump(m2!.id), attempts: [{ id: done.id, to: 'accepted', patch: {} }] }),
        store.commit(bump(m3!.id)),
        // The message patch applies, then the insert fails (the attempt id is taken): all of it is undone.
        store.commit({ ...bump(m4!.id), newAttempts: [{ ...newAttempt(m4!.id), id: taken.id }] }),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
        true,
        false,
        true,
        'rejected',
      ]);
      const after = await Promise.all([m1!, m2!, m3!, m4!].map((m) => store.getMessage(m.id)));
      expect(after.map((m) => m?.stepIndex)).toEqual([2, 0, 2, 0]);
      expect(await store.findAttempt(done.id)).toMatchObject({ status: 'delivered' });
      expect(await store.listAttempts(m4!.id)).toHaveLength(1);
    });

    it('reads of many messages at once each get their own answer', async () => {
      const messages = [newMessage(), newMessage(), newMessage()];
      await store.acceptMessages(messages);
      const attempt = newAttempt(messages[1]!.id);
      await store.commit({ newAttempts: [attempt] });
      const [found, attempts, missing, none] = await Promise.all([
        Promise.all(messages.map((m) => store.getMessage(m.id))),
        Promise.all(messages.map((m) => store.listAttempts(m.id))),
        store.getMessage('no-such-message'),
        store.findAttempt('no-such-attempt'),
      ]);
      expect(found.map((m) => m?.id)).toEqual(messages.map((m) => m.id));
      expect(attempts.map((list) => list.map((a) => a.id))).toEqual([[], [attempt.id], []]);
      expect(missing).toBeNull();
      expect(none).toBeNull();
    });

    it('refuses a status move the transition table forbids, even at the right version', async () => {
      const m = newMessage();
      await store.acceptMessages([m]);
      await store.commit({
        message: { id: m.id, expectVersion: 0, patch: { status: 'delivered', nextRunAt: null } },
      });
      expect(
        await store.commit({ message: { id: m.id, expectVersion: 1, patch: { status: 'sending' } } }),
      ).toBe(false);
      expect(
        await store.commit({ message: { id: m.id, expectVersion: 1, patch: { status: 'canceled' } } }),
      ).toBe(false);
      expect(
        await store.commit({ message: { id: m.id, expectVersion: 1, patch: { lateDelivery: true } } }),
      ).toBe(true);
      expect(await store.getMessage(m.id)).toMatchObject({ status: 'delivered', lateDelivery: true });
    });

    it('guards attempt moves: a delivered attempt is never turned back', async () => {
      const m = newMessage();
      await store.acceptMessages([m]);
      const attempt = newAttempt(m.id);
      await store.commit({ newAttempts: [attempt] });
      expect(
        await store.commit({ attempts: [{ id: attempt.id, to: 'delivered', patch: { units: 1 } }] }),
      ).toBe(true);
      expect(await store.commit({ attempts: [{ id: attempt.id, to: 'accepted', patch: {} }] })).toBe(false);
      expect(
        await store.commit({ attempts: [{ id: attempt.id, patch: { providerMessageId: 'p-1' } }] }),
      ).toBe(true);
      expect(await store.findAttempt(attempt.id)).toMatchObject({
        status: 'delivered',
        units: 1,
        providerMessageId: 'p-1',
      });
      expect(await store.findAttemptByProviderId('line', 'p-1')).toMatchObject({ id: attempt.id });
    });

    it('stores each provider event once and hands out the unprocessed ones in order', async () => {
      const receipt = newReceipt();
      expect(await store.insertReceipts([receipt, { ...receipt, eventId: 'ev-2' }])).toBe(2);
      expect(await store.insertReceipts([receipt])).toBe(0);
      const pending = await store.pendingReceipts(10);
      expect(pending.map((r) => r.eventId)).toEqual(['ev-1', 'ev-2']);
      await store.commit({ processedReceipts: [pending[0]!.seq] });
      expect((await store.pendingReceipts(10)).map((r) => r.eventId)).toEqual(['ev-2']);
    });

    it('stores receipts of webhooks answered at once each once, counting the new ones per call', async () => {
      const receipt = newReceipt({
        provider: 'twilio',
        account: 'twilio',
        eventId: 'SM1:delivered',
        providerMessageId: 'SM1',
      });
      const other = { ...receipt, eventId: 'SM2:delivered', providerMessageId: 'SM2' };
      // The same event twice in one call and once more in a call made alongside: stored once.
      const counts = await Promise.all([
        store.insertReceipts([receipt, receipt]),
        store.insertReceipts([other, receipt]),
        store.insertReceipts([{ ...receipt, provider: 'line' }]),
      ]);
      expect(counts).toEqual([1, 1, 1]);
      expect((await store.pendingReceipts(10)).map((r) => `${r.provider} ${r.eventId}`)).toEqual([
        'twilio SM1:delivered',
        'twilio SM2:delivered',
        'line SM1:delivered',
      ]);
    });

    it('hands each unapplied receipt to one engine at a time, until it is applied or the claim ends', async () => {
      const receipt = newReceipt();
      await store.insertReceipts(
        ['ev-1', 'ev-2', 'ev-3', 'ev-4'].map((eventId) => ({ ...receipt, eventId })),
      );
      const events = (list: { eventId: string }[]) => list.map((r) => r.eventId);
      const leaseMs = 30_000;

      const first = await store.claimReceipts('engine-a', T0, leaseMs, 2);
      expect(events(first)).toEqual(['ev-1', 'ev-2']);
      expect(events(await store.claimReceipts('engine-b', T0 + 10, leaseMs, 10))).toEqual(['ev-3', 'ev-4']);
      expect(await store.claimReceipts('engine-c', T0 + 10, leaseMs, 10)).toEqual([]);
      // An engine is handed its own unfinished claims again.
      expect(events(await store.claimReceipts('engine-a', T0 + 1, leaseMs, 10))).toEqual(['ev-1', 'ev-2']);

      // Applied: gone for everyone. A's claim has ended (B's, made later, has not): free for another engine.
      expect(await store.commit({ processedReceipts: [first[0]!.seq] })).toBe(true);
      expect(events(await store.claimReceipts('engine-c', T0 + leaseMs + 5, leaseMs, 10))).toEqual(['ev-2']);
      expect(events(await store.claimReceipts('engine-b', T0 + leaseMs + 6, leaseMs, 10))).toEqual([
        'ev-3',
        'ev-4',
      ]);
      expect(events(await store.pendingReceipts(10))).toEqual(['ev-2', 'ev-3', 'ev-4']);
    });

    it('prunes applied receipts, oldest first, a window at a time, never one still to apply', async () => {
      const receipt = newReceipt();
      await store.insertReceipts(['ev-1', 'ev-2', 'ev-3'].map((eventId) => ({ ...receipt, eventId })));
      const [ev1, , ev3] = await store.pendingReceipts(10);
      await store.commit({ processedReceipts: [ev1!.seq, ev3!.seq] });

      expect(await store.pruneReceipts(Date.now() - 60_000, 10)).toBe(0);
      expect(await store.pruneReceipts(Date.now() + 1_000, 1)).toBe(1);
      expect(await store.pruneReceipts(Date.now() + 1_000, 10)).toBe(1);
      expect(await store.pruneReceipts(Date.now() + 1_000, 10)).toBe(0);
      expect((await store.pendingReceipts(10)).map((r) => r.eventId)).toEqual(['ev-2']);
      // A provider redelivering a pruned event has it stored (and applied) again: harmless by the state rules.
      expect(await store.insertReceipts([receipt])).toBe(1);
    });

    it('remembers the latest reachability outcome per number and channel', async () => {
      await store.commit({
        reachability: [{ phoneHmac: 'h', channel: 'line_pnp', outcome: 'unreachable', code: '422', at: T0 }],
      });
      await store.commit({
        reachability: [{ phoneHmac: 'h', channel: 'line_pnp', outcome: 'reachable', code: null, at: T0 - 1 }],
      });
      expect(await store.getReachability('h', 'line_pnp')).toMatchObject({
        outcome: 'unreachable',
        code: '422',
      });
      await store.commit({
        reachability: [{ phoneHmac: 'h', channel: 'line_pnp', outcome: 'reachable', code: null, at: T0 + 1 }],
      });
      expect(await store.getReachability('h', 'line_pnp')).toMatchObject({ outcome: 'reachable' });
      expect(await store.getReachability('h', 'sms')).toBeNull();
    });

    it('sums the billable units of an account since an instant, by the time in the attempt ids', async () => {
      const m = newMessage();
      await store.acceptMessages([m]);
      const at = (time: number, account: string, units: number | null) =>
        newAttempt(m.id, { id: ulid(time), account, units, createdAt: time });
      const monthStart = Date.UTC(2026, 9, 31, 15); // 1 November 00:00 in Tokyo
      await store.commit({
        newAttempts: [
          at(monthStart - 1, 'sms-a', 5), // last month
          at(monthStart, 'sms-a', 2),
          at(monthStart + 86_400_000, 'sms-a', 3),
          at(monthStart + 1000, 'sms-a', null), // not answered yet
          at(monthStart + 1000, 'sms-b', 7),
        ],
      });
      expect(await store.unitsUsedSince('sms-a', monthStart)).toBe(5);
      expect(await store.unitsUsedSince('sms-b', monthStart)).toBe(7);
      expect(await store.unitsUsedSince('nobody', monthStart)).toBe(0);
    });

    it('lists messages newest first with filters and cursor paging', async () => {
      const a = newMessage({ purpose: 'shipping_notice' });
      const b = newMessage({ phone: '+818011112222' });
      const c = newMessage({ campaignId: 'camp-1', createdAt: T0 + 10 });
      await store.acceptMessages([a, b, c]);
      expect((await store.listMessages({ limit: 2 })).map((m) => m.id)).toEqual([c.id, b.id]);
      expect((await store.listMessages({ limit: 2, beforeId: b.id })).map((m) => m.id)).toEqual([a.id]);
      expect((await store.listMessages({ limit: 9, purpose: 'shipping_notice' })).map((m) => m.id)).toEqual([
        a.id,
      ]);
      expect((await store.listMessages({ limit: 9, phone: '+818011112222' })).map((m) => m.id)).toEqual([
        b.id,
      ]);
      expect((await store.listMessages({ limit: 9, campaignId: 'camp-1' })).map((m) => m.id)).toEqual([c.id]);
      expect((await store.listMessages({ limit: 9, createdFrom: T0 + 1 })).map((m) => m.id)).toEqual([c.id]);
      expect((await store.listMessages({ limit: 9, status: 'accepted', createdTo: T0 + 1 })).length).toBe(2);
    });

    it('keeps API keys by hash', async () => {
      await store.createApiKey({
        id: 'k1',
        name: 'ops',
        hash: 'abc',
        prefix: 'tdk_abc',
        createdAt: T0,
        revokedAt: null,
      });
      expect(await store.findApiKeyByHash('abc')).toMatchObject({ id: 'k1', name: 'ops' });
      expect(await store.findApiKeyByHash('nope')).toBeNull();
      expect((await store.listApiKeys()).length).toBe(1);
      expect(await store.revokeApiKey('tdk_abc', T0 + 1)).toBe(true);
      expect(await store.revokeApiKey('tdk_abc', T0 + 2)).toBe(false);
      expect(await store.findApiKeyByHash('abc')).toMatchObject({ revokedAt: T0 + 1 });
    });
  });
}
