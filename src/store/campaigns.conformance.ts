import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptRecord } from './records.js';
import type { CampaignRecipientRecord, CampaignRecord, StoredRowProblem } from './campaign-records.js';
import { newMessage, type StoreHarness } from './store.conformance.js';
import type { Store } from './store.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
let seq = 0;
const nextId = () => `01JCAMP${String(++seq).padStart(19, '0')}`;

export function newCampaign(overrides: Partial<CampaignRecord> = {}): CampaignRecord {
  return {
    id: nextId(),
    name: '11月分 督促',
    status: 'draft',
    version: 0,
    purpose: 'payment_reminder',
    route: newMessage().route,
    template: { id: '01JTMPL0000000000000000001', name: 'reminder', version: 2 },
    options: { startAt: null, expiresAt: null, sendWindow: null, throttlePerMinute: 600 },
    mapping: null,
    exclusions: { listIds: [], recipientsOf: [] },
    importId: null,
    stagingImportId: null,
    imported: null,
    report: null,
    createdBy: 'key-a',
    createdAt: T0,
    updatedAt: T0,
    approvalRequestedBy: null,
    approvalRequestedAt: null,
    approvedBy: null,
    approvedAt: null,
    startedAt: null,
    finishedAt: null,
    settled: false,
    history: [],
    ...overrides,
  };
}

export function newRecipient(
  importId: string,
  rowNumber: number,
  overrides: Partial<CampaignRecipientRecord> = {},
): CampaignRecipientRecord {
  const phone = `+8190${String(10_000_000 + rowNumber)}`;
  return {
    importId,
    rowNumber,
    phone,
    phoneHmac: `hmac-${phone}`,
    lineUserId: null,
    email: null,
    externalId: `C-${rowNumber}`,
    name: `顧客 ${rowNumber}`,
    variables: { amount: String(1000 + rowNumber), due: '11月30日' },
    addressKey: `hmac-${phone}`,
    state: 'pending',
    reason: null,
    messageId: null,
    ...overrides,
  };
}

function problem(importId: string, seqNo: number, rowNumber: number): StoredRowProblem {
  return {
    importId,
    seq: seqNo,
    rowNumber,
    column: '電話番号',
    code: 'invalid_phone',
    severity: 'error',
    messageJa: '電話番号の形式が正しくありません',
    messageEn: 'The phone number is not valid',
    value: '03-1234',
  };
}

function attempt(messageId: string, overrides: Partial<AttemptRecord> = {}): AttemptRecord {
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

/** The campaign section, as every Store must keep it. A difference between implementations is a bug. */
export function describeCampaignConformance(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`Campaign store conformance: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await makeHarness();
      store = h.store;
    });
    afterEach(async () => {
      await h?.cleanup();
    });

    it('stores a campaign whole and durably', async () => {
      const c = newCampaign({
        options: {
          startAt: T0 + 60_000,
          expiresAt: T0 + 86_400_000,
          sendWindow: { start: '09:00', end: '18:00', skipHolidays: true },
          throttlePerMinute: 120,
        },
        exclusions: { listIds: ['l1'], recipientsOf: ['c0'] },
      });
      await store.campaigns.create(c);
      expect(await store.campaigns.get(c.id)).toEqual(c);
      store = await h.reopen();
      expect(await store.campaigns.get(c.id)).toEqual(c);
      expect(await store.campaigns.get('nope')).toBeNull();
    });

    it('changes a campaign only at the expected version (compare-and-set)', async () => {
      const c = newCampaign();
      await store.campaigns.create(c);
      const validated = await store.campaigns.update({ ...c, status: 'validated', updatedAt: T0 + 1 }, 0);
      expect(validated).toMatchObject({ status: 'validated', version: 1, updatedAt: T0 + 1 });
      expect(await store.campaigns.update({ ...c, status: 'canceled' }, 0)).toBeNull();
      const approved = await store.campaigns.update(
        { ...validated!, status: 'approved', approvedBy: 'key-b', approvedAt: T0 + 2 },
        1,
      );
      expect(approved).toMatchObject({ status: 'approved', version: 2, approvedBy: 'key-b' });
      expect(await store.campaigns.get(c.id)).toEqual(approved);
    });

    it('lists newest first with a cursor, and the unsettled ones for the runner', async () => {
      const [a, b, c, d] = [
        newCampaign({ status: 'running' }),
        newCampaign({ status: 'draft' }),
        newCampaign({ status: 'canceled', settled: false }),
        newCampaign({ status: 'completed', settled: true }),
      ];
      for (const x of [a, b, c, d]) await store.campaigns.create(x!);
      expect((await store.campaigns.list({ limit: 10 })).map((x) => x.id)).toEqual([
        d!.id,
        c!.id,
        b!.id,
        a!.id,
      ]);
      expect((await store.campaigns.list({ beforeId: c!.id, limit: 1 })).map((x) => x.id)).toEqual([b!.id]);
      expect((await store.campaigns.listUnsettled()).map((x) => x.id)).toEqual([a!.id, c!.id]);
    });

    it('leases a campaign to one runner at a time, without changing its version', async () => {
      const c = newCampaign({ status: 'running' });
      await store.campaigns.create(c);
      expect(await store.campaigns.lease(c.id, 'runner-a', T0, 10_000)).toBe(true);
      expect(await store.campaigns.lease(c.id, 'runner-b', T0 + 5_000, 10_000)).toBe(false);
      expect(await store.campaigns.lease(c.id, 'runner-a', T0 + 5_000, 10_000)).toBe(true);
      expect(await store.campaigns.lease(c.id, 'runner-b', T0 + 15_000, 10_000)).toBe(true);
      expect((await store.campaigns.get(c.id))?.version).toBe(0);
    });

    it('keeps each import apart and deletes one import in chunks, leaving the other', async () => {
      const rows = (importId: string, from: number, n: number) =>
        Array.from({ length: n }, (_, i) => newRecipient(importId, from + i));
      await store.campaigns.addRecipients(rows('imp-1', 2, 1500));
      await store.campaigns.addRecipients(rows('imp-1', 1502, 500));
      await store.campaigns.addRecipients(rows('imp-2', 2, 3));
      await store.campaigns.addProblems([
        problem('imp-1', 0, 7),
        problem('imp-1', 1, 9),
        problem('imp-2', 0, 4),
      ]);

      const page = await store.campaigns.listRecipients('imp-1', { afterRow: 1000, limit: 3 });
      expect(page.map((r) => r.rowNumber)).toEqual([1001, 1002, 1003]);
      expect(page[0]).toEqual(newRecipient('imp-1', 1001));

      let deleted = 0;
      for (let n = -1; n !== 0;) {
        n = await store.campaigns.deleteImport('imp-1', 700);
        expect(n).toBeLessThanOrEqual(700);
        deleted += n;
      }
      expect(deleted).toBe(2002);
      expect(await store.campaigns.listRecipients('imp-1', { limit: 10 })).toEqual([]);
      expect(await store.campaigns.listProblems('imp-1', { limit: 10 })).toEqual([]);
      expect((await store.campaigns.listRecipients('imp-2', { limit: 10 })).length).toBe(3);
      expect(await store.campaigns.listProblems('imp-2', { limit: 10 })).toEqual([problem('imp-2', 0, 4)]);
    });

    it('pages problems in order', async () => {
      await store.campaigns.addProblems([problem('imp', 0, 3), problem('imp', 1, 3), problem('imp', 2, 8)]);
      expect(await store.campaigns.listProblems('imp', { limit: 2 })).toEqual([
        problem('imp', 0, 3),
        problem('imp', 1, 3),
      ]);
      expect(await store.campaigns.listProblems('imp', { afterSeq: 1, limit: 2 })).toEqual([
        problem('imp', 2, 8),
      ]);
    });

    it('sets recipient states, keeping reason and message id unless given, and counts them', async () => {
      await store.campaigns.addRecipients([2, 3, 4, 5].map((n) => newRecipient('imp', n)));
      await store.campaigns.setRecipientStates('imp', [
        { rowNumber: 2, state: 'excluded', reason: 'exclusion_list' },
        { rowNumber: 3, state: 'materialized', messageId: 'm-3' },
        { rowNumber: 4, state: 'excluded', reason: 'duplicate' },
      ]);
      await store.campaigns.setRecipientStates('imp', [{ rowNumber: 3, state: 'materialized' }]);
      const [r2, r3] = await store.campaigns.listRecipients('imp', { limit: 2 });
      expect(r2).toMatchObject({ state: 'excluded', reason: 'exclusion_list', messageId: null });
      expect(r3).toMatchObject({ state: 'materialized', reason: null, messageId: 'm-3' });
      const pending = await store.campaigns.listRecipients('imp', { state: 'pending', limit: 10 });
      expect(pending.map((r) => r.rowNumber)).toEqual([5]);
      const counts = await store.campaigns.countRecipients('imp');
      expect(counts.sort((a, b) => `${a.state}${a.reason}`.localeCompare(`${b.state}${b.reason}`))).toEqual([
        { state: 'excluded', reason: 'duplicate', count: 1 },
        { state: 'excluded', reason: 'exclusion_list', count: 1 },
        { state: 'materialized', reason: null, count: 1 },
        { state: 'pending', reason: null, count: 1 },
      ]);
    });

    it('closes pending recipients in chunks, in row order', async () => {
      await store.campaigns.addRecipients([2, 3, 4, 5, 6].map((n) => newRecipient('imp', n)));
      await store.campaigns.setRecipientStates('imp', [
        { rowNumber: 3, state: 'materialized', messageId: 'm' },
      ]);
      expect(await store.campaigns.closePendingRecipients('imp', 'canceled', 'campaign_canceled', 2)).toBe(2);
      expect(await store.campaigns.closePendingRecipients('imp', 'canceled', 'campaign_canceled', 2)).toBe(2);
      expect(await store.campaigns.closePendingRecipients('imp', 'canceled', 'campaign_canceled', 2)).toBe(0);
      const states = (await store.campaigns.listRecipients('imp', { limit: 10 })).map((r) => r.state);
      expect(states).toEqual(['canceled', 'materialized', 'canceled', 'canceled', 'canceled']);
    });

    it('finds the first row of each address, and addresses a campaign already delivered to', async () => {
      await store.campaigns.addRecipients([
        newRecipient('imp', 2, { addressKey: 'k1' }),
        newRecipient('imp', 3, { addressKey: 'k2' }),
        newRecipient('imp', 4, { addressKey: 'k1' }),
      ]);
      await store.campaigns.indexAddresses('imp');
      await store.campaigns.indexAddresses('imp'); // once more changes nothing
      const first = await store.campaigns.firstRowsByAddress('imp', ['k1', 'k2', 'k3', 'k1']);
      expect([...first].sort()).toEqual([
        ['k1', 2],
        ['k2', 3],
      ]);

      const delivered = newMessage({ campaignId: 'c-old' });
      const failed = newMessage({ campaignId: 'c-old' });
      await store.acceptMessages([delivered, failed]);
      await store.commit({ message: { id: delivered.id, expectVersion: 0, patch: { status: 'delivered' } } });
      await store.commit({ message: { id: failed.id, expectVersion: 0, patch: { status: 'failed' } } });
      await store.campaigns.addRecipients([
        newRecipient('old', 2, { addressKey: 'k1', state: 'materialized', messageId: delivered.id }),
        newRecipient('old', 3, { addressKey: 'k2', state: 'materialized', messageId: failed.id }),
      ]);
      await store.campaigns.indexAddresses('old');
      expect([...(await store.campaigns.deliveredAddressKeys(['old', 'other'], ['k1', 'k2', 'k3']))]).toEqual(
        ['k1'],
      );
      expect(await store.campaigns.deliveredAddressKeys([], ['k1'])).toEqual(new Set());
    });

    it('reads reachability memory for many numbers at once', async () => {
      await store.commit({
        reachability: [
          { phoneHmac: 'p1', channel: 'line_pnp', outcome: 'unreachable', code: '422', at: T0 },
          { phoneHmac: 'p2', channel: 'line_pnp', outcome: 'reachable', code: null, at: T0 },
          { phoneHmac: 'p1', channel: 'sms', outcome: 'reachable', code: null, at: T0 },
        ],
      });
      const found = await store.campaigns.findReachability(['p1', 'p2', 'p3'], 'line_pnp');
      expect(found.map((r) => [r.phoneHmac, r.outcome]).sort()).toEqual([
        ['p1', 'unreachable'],
        ['p2', 'reachable'],
      ]);
    });

    it('stores exclusion lists and matches entries only against the lists named', async () => {
      const list = {
        id: 'L1',
        name: '入金済み',
        phones: 2,
        externalIds: 1,
        createdBy: 'key-a',
        createdAt: T0,
      };
      await store.campaigns.createExclusionList(list, [
        { kind: 'phone', value: 'h1' },
        { kind: 'phone', value: 'h2' },
        { kind: 'phone', value: 'h2' },
        { kind: 'external_id', value: 'C-9' },
      ]);
      await store.campaigns.createExclusionList({ ...list, id: 'L2', name: 'other' }, [
        { kind: 'phone', value: 'h3' },
      ]);
      expect(await store.campaigns.getExclusionList('L1')).toEqual(list);
      expect((await store.campaigns.listExclusionLists({ limit: 5 })).map((l) => l.id)).toEqual(['L2', 'L1']);
      const matched = await store.campaigns.matchExclusions(
        ['L1'],
        [
          { kind: 'phone', value: 'h1' },
          { kind: 'phone', value: 'h3' },
          { kind: 'external_id', value: 'h2' },
          { kind: 'external_id', value: 'C-9' },
        ],
      );
      expect(matched.sort((a, b) => a.value.localeCompare(b.value))).toEqual([
        { kind: 'external_id', value: 'C-9' },
        { kind: 'phone', value: 'h1' },
      ]);
    });

    it('holds messages nobody has tried yet, releases them due now, and cancels the unleased ones', async () => {
      const campaignId = 'c-1';
      const [fresh, leased, tried, other] = [
        newMessage({ campaignId, priority: 'bulk' }),
        newMessage({ campaignId, priority: 'bulk' }),
        newMessage({ campaignId, priority: 'bulk' }),
        newMessage({ campaignId: 'c-2', priority: 'bulk' }),
      ];
      await store.acceptMessages([fresh!, leased!, tried!, other!]);
      await store.commit({
        message: {
          id: leased!.id,
          expectVersion: 0,
          patch: { leaseOwner: 'engine', leaseUntil: T0 + 30_000 },
        },
      });
      await store.commit({ newAttempts: [attempt(tried!.id)] });

      expect(await store.campaigns.holdMessages(campaignId, T0)).toBe(1);
      // No longer due: claims take only messages with a next run time.
      expect((await store.getMessage(fresh!.id))?.nextRunAt).toBeNull();
      expect(await store.campaigns.holdMessages(campaignId, T0)).toBe(0);
      expect(await store.campaigns.releaseMessages(campaignId, T0 + 2_000)).toBe(1);
      expect((await store.getMessage(fresh!.id))?.nextRunAt).toBe(T0 + 2_000);

      expect(await store.campaigns.countActiveMessages(campaignId)).toBe(3);
      expect(await store.campaigns.cancelMessages(campaignId, T0 + 3_000)).toBe(2);
      expect(await store.getMessage(fresh!.id)).toMatchObject({
        status: 'canceled',
        finalReason: 'campaign_canceled',
        nextRunAt: null,
      });
      expect((await store.getMessage(leased!.id))?.status).toBe('accepted');
      expect((await store.getMessage(other!.id))?.status).toBe('accepted');
      expect((await store.listEvents(tried!.id)).map((e) => [e.type, e.data])).toEqual([
        ['canceled', { campaignId, reason: 'campaign_canceled' }],
      ]);
      // Once the lease has run out, the last one goes too.
      expect(await store.campaigns.cancelMessages(campaignId, T0 + 31_000)).toBe(1);
      expect(await store.campaigns.countActiveMessages(campaignId)).toBe(0);
    });

    it('counts a campaign’s messages and joins each recipient to its outcome', async () => {
      const campaignId = 'c-stats';
      const [viaLine, viaSms, open] = [
        newMessage({ campaignId }),
        newMessage({ campaignId }),
        newMessage({ campaignId }),
      ];
      await store.acceptMessages([viaLine!, viaSms!, open!]);
      await store.commit({
        message: {
          id: viaLine!.id,
          expectVersion: 0,
          patch: { status: 'delivered', deliveredVia: 'line_pnp' },
        },
        newAttempts: [attempt(viaLine!.id, { status: 'delivered', units: 1, cost: 3 })],
      });
      await store.commit({
        message: {
          id: viaSms!.id,
          expectVersion: 0,
          patch: { status: 'delivered', deliveredVia: 'sms', lateDelivery: true },
        },
        newAttempts: [
          attempt(viaSms!.id, { status: 'unconfirmed' }),
          attempt(viaSms!.id, { stepIndex: 1, channel: 'sms', status: 'delivered', units: 2, cost: 16 }),
        ],
      });
      const stats = await store.campaigns.messageStats(campaignId);
      expect(stats.byStatus).toMatchObject({ delivered: 2, accepted: 1, failed: 0 });
      expect(stats.deliveredVia).toEqual({ line_pnp: 1, sms: 1 });
      expect(stats.lateDeliveries).toBe(1);
      expect(stats.usedLaterStep).toBe(1);
      expect(stats.attempts.sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
        { channel: 'line_pnp', count: 2, units: 1, cost: 3 },
        { channel: 'sms', count: 1, units: 2, cost: 16 },
      ]);

      await store.campaigns.addRecipients([
        newRecipient('imp', 2, { state: 'materialized', messageId: viaSms!.id }),
        newRecipient('imp', 3, { state: 'excluded', reason: 'duplicate' }),
        newRecipient('imp', 4, { state: 'materialized', messageId: open!.id }),
      ]);
      const rows = await store.campaigns.resultRows('imp', { limit: 10 });
      expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4]);
      expect(rows[0]!.message).toEqual({
        status: 'delivered',
        deliveredVia: 'sms',
        deliveredAt: null,
        finalReason: null,
        lateDelivery: true,
        attempts: 2,
        lastChannel: 'sms',
        cost: 16,
      });
      expect(rows[1]).toMatchObject({ state: 'excluded', reason: 'duplicate', message: null });
      expect(rows[2]!.message).toMatchObject({
        status: 'accepted',
        attempts: 0,
        cost: null,
        lastChannel: null,
      });
      expect((await store.campaigns.resultRows('imp', { afterRow: 3, limit: 10 })).length).toBe(1);
    });

    it('takes tens of thousands of recipients in batches', async () => {
      const batch = 5_000;
      for (let from = 2; from < 2 + 30_000; from += batch) {
        await store.campaigns.addRecipients(
          Array.from({ length: batch }, (_, i) =>
            newRecipient('big', from + i, { addressKey: `k${from + i}` }),
          ),
        );
      }
      const counts = await store.campaigns.countRecipients('big');
      expect(counts).toEqual([{ state: 'pending', reason: null, count: 30_000 }]);
      const last = await store.campaigns.listRecipients('big', { afterRow: 30_000, limit: 10 });
      expect(last.map((r) => r.rowNumber)).toEqual([30_001]);
    });
  });
}
