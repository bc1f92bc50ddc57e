import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactRecord, ContactUpsert } from '../core/contact.js';
import type { ContactUpsertOutcome, SegmentRecord } from './contact-records.js';
import type { StoreHarness } from './store.conformance.js';
import type { Store } from './store.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
let seq = 0;
const nextId = () => `01JCONT${String(++seq).padStart(19, '0')}`;

/** A normalised phone as the API hands it to the store: E.164 and a stand-in HMAC. */
export function phoneOf(n: number): { phone: string; phoneHmac: string } {
  const phone = `+8190${String(20_000_000 + n)}`;
  return { phone, phoneHmac: `hmac-${phone}` };
}

export function newSegment(overrides: Partial<SegmentRecord> = {}): SegmentRecord {
  return {
    id: nextId(),
    name: `segment ${seq}`,
    description: '30代の東京都ゴールド会員',
    filter: {
      all: [
        { attribute: 'age', op: 'between', value: [30, 39] },
        {
          any: [
            { attribute: 'prefecture', op: 'eq', value: '東京都' },
            { attribute: 'hasLine', op: 'eq', value: true },
          ],
        },
      ],
    },
    createdBy: 'key-a',
    createdAt: T0,
    updatedAt: T0,
    version: 0,
    ...overrides,
  };
}

const LINE_A = `U${'a'.repeat(32)}`;
const LINE_B = `U${'b'.repeat(32)}`;
const LINE_C = `U${'c'.repeat(32)}`;

/** The contact section, as every Store must keep it. A difference between implementations is a bug. */
export function describeContactConformance(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`Contact store conformance: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await makeHarness();
      store = h.store;
    });
    afterEach(async () => {
      await h?.cleanup();
    });

    async function upsert(contacts: ContactUpsert[], now = T0): Promise<ContactUpsertOutcome[]> {
      return store.contacts.upsert({ contacts, newIds: contacts.map(() => nextId()), now });
    }

    async function one(contact: ContactUpsert, now = T0): Promise<ContactRecord> {
      const [outcome] = await upsert([contact], now);
      if (!outcome || outcome.result === 'refused') throw new Error(`refused: ${JSON.stringify(outcome)}`);
      return outcome.contact;
    }

    it('creates a contact by customer ID and keeps it whole and durably', async () => {
      const [outcome] = await upsert([
        {
          externalId: 'M001',
          ...phoneOf(1),
          email: 'taro@example.jp',
          name: '山田 太郎',
          lineUserIds: [LINE_A],
          attributes: { age: 35, prefecture: '東京都', gold: true, plan: 'ゴールド' },
        },
      ]);
      expect(outcome).toMatchObject({ result: 'created' });
      const created = (outcome as { contact: ContactRecord }).contact;
      expect(created).toEqual({
        id: created.id,
        externalId: 'M001',
        ...phoneOf(1),
        email: 'taro@example.jp',
        name: '山田 太郎',
        lineUserIds: [LINE_A],
        attributes: { age: 35, prefecture: '東京都', gold: true, plan: 'ゴールド' },
        createdAt: T0,
        updatedAt: T0,
        version: 0,
      });
      expect(await store.contacts.get(created.id)).toEqual(created);
      store = await h.reopen();
      expect(await store.contacts.get(created.id)).toEqual(created);
      expect(await store.contacts.get('nope')).toBeNull();
    });

    it('upserts by customer ID: the named fields and attributes change, the others are kept', async () => {
      const first = await one({
        externalId: 'M001',
        ...phoneOf(1),
        name: '山田 太郎',
        email: 'taro@example.jp',
        attributes: { age: 35, prefecture: '東京都', plan: 'basic' },
      });
      const [outcome] = await upsert(
        [{ externalId: 'M001', ...phoneOf(2), attributes: { plan: 'gold', points: 120, prefecture: null } }],
        T0 + 1_000,
      );
      expect(outcome).toEqual({
        result: 'updated',
        contact: {
          ...first,
          ...phoneOf(2),
          attributes: { age: 35, plan: 'gold', points: 120 },
          updatedAt: T0 + 1_000,
          version: 1,
        },
      });
      expect(await store.contacts.get(first.id)).toEqual((outcome as { contact: ContactRecord }).contact);
    });

    it('reports an upsert that changes nothing as unchanged, keeping the version', async () => {
      const first = await one({ externalId: 'M001', ...phoneOf(1), attributes: { age: 35 } });
      const [outcome] = await upsert(
        [{ externalId: 'M001', ...phoneOf(1), attributes: { age: 35 } }],
        T0 + 5,
      );
      expect(outcome).toEqual({ result: 'unchanged', contact: first });
      expect(await store.contacts.get(first.id)).toEqual(first);
    });

    it('clears a field given as null, and never creates a second contact for a customer ID', async () => {
      const first = await one({ externalId: 'M001', ...phoneOf(1), email: 'a@example.jp', name: 'A' });
      const cleared = await one({ externalId: 'M001', phone: null, phoneHmac: null, email: null }, T0 + 1);
      expect(cleared).toMatchObject({ id: first.id, phone: null, phoneHmac: null, email: null, name: 'A' });
      expect(await store.contacts.list({ limit: 10 })).toHaveLength(1);
    });

    it('upserts by phone when there is no customer ID, matching a contact that has one', async () => {
      const byPhone = await one({ ...phoneOf(1), name: '佐藤', attributes: { age: 40 } });
      expect(byPhone.externalId).toBeNull();
      const again = await one({ ...phoneOf(1), attributes: { age: 41 } }, T0 + 1);
      expect(again).toMatchObject({ id: byPhone.id, name: '佐藤', attributes: { age: 41 }, version: 1 });

      const withId = await one({ externalId: 'M002', ...phoneOf(2), name: '鈴木' });
      const matched = await one({ ...phoneOf(2), email: 'suzuki@example.jp' }, T0 + 2);
      expect(matched).toMatchObject({ id: withId.id, externalId: 'M002', email: 'suzuki@example.jp' });

      // A customer ID that is new creates its own contact, even with a number another contact has.
      const other = await one({ externalId: 'M003', ...phoneOf(2) });
      expect(other.id).not.toBe(withId.id);
      expect(await store.contacts.list({ limit: 10 })).toHaveLength(3);
    });

    it('refuses an upsert by a phone several contacts share, and one with neither key; the rest of the batch goes on', async () => {
      await one({ externalId: 'M001', ...phoneOf(1) });
      await one({ externalId: 'M002', ...phoneOf(1) });
      const outcomes = await upsert([
        { ...phoneOf(1), name: 'どちら?' },
        { email: 'nokey@example.jp', name: '鍵なし' },
        { externalId: 'M003', name: '新規' },
      ]);
      expect(outcomes.map((o) => o.result)).toEqual(['refused', 'refused', 'created']);
      expect(outcomes[0]).toMatchObject({ code: 'ambiguous_contact' });
      expect(outcomes[1]).toMatchObject({ code: 'missing_contact_key' });
      expect((outcomes[0] as { messageJa: string }).messageJa).toMatch(/複数/);
      expect((outcomes[1] as { messageEn: string }).messageEn).toMatch(/externalId/);
      const all = await store.contacts.list({ limit: 10 });
      expect(all.map((c) => c.externalId)).toEqual(['M001', 'M002', 'M003']);
      expect(all.every((c) => c.name !== 'どちら?')).toBe(true);
    });

    it('merges linked LINE user IDs: added in order, never repeated, never dropped by an upsert', async () => {
      const first = await one({ externalId: 'M001', lineUserIds: [LINE_A] });
      const second = await one({ externalId: 'M001', lineUserIds: [LINE_B, LINE_A] }, T0 + 1);
      expect(second).toMatchObject({ id: first.id, lineUserIds: [LINE_A, LINE_B], version: 1 });
      const third = await one({ externalId: 'M001', lineUserIds: [], name: 'x' }, T0 + 2);
      expect(third.lineUserIds).toEqual([LINE_A, LINE_B]);
      const fourth = await one({ externalId: 'M001', lineUserIds: [LINE_C] }, T0 + 3);
      expect((await store.contacts.get(first.id))!.lineUserIds).toEqual([LINE_A, LINE_B, LINE_C]);
      expect(fourth.version).toBe(3);
    });

    it('applies a batch in order: a later item sees what an earlier one created or changed', async () => {
      const outcomes = await upsert([
        { externalId: 'M001', name: 'first', attributes: { a: 1 } },
        { externalId: 'M001', attributes: { b: 2 } },
        { externalId: 'M002', ...phoneOf(5) },
        { ...phoneOf(5), attributes: { viaPhone: true } },
        { externalId: 'M002', phone: null, phoneHmac: null },
        { ...phoneOf(5), name: 'new by phone' },
      ]);
      expect(outcomes.map((o) => o.result)).toEqual([
        'created',
        'updated',
        'created',
        'updated',
        'updated',
        'created',
      ]);
      const all = await store.contacts.list({ limit: 10 });
      expect(all).toHaveLength(3);
      expect(all[0]).toMatchObject({
        externalId: 'M001',
        name: 'first',
        attributes: { a: 1, b: 2 },
        version: 1,
      });
      expect(all[1]).toMatchObject({
        externalId: 'M002',
        phone: null,
        attributes: { viaPhone: true },
        version: 2,
      });
      expect(all[2]).toMatchObject({ externalId: null, ...phoneOf(5), name: 'new by phone', version: 0 });
    });

    it('gives two concurrent upserts of a new customer one contact', async () => {
      const results = await Promise.all([
        upsert([{ externalId: 'RACE', attributes: { a: 1 } }]),
        upsert([{ externalId: 'RACE', attributes: { b: 2 } }]),
        upsert([{ ...phoneOf(9), attributes: { c: 3 } }]),
        upsert([{ ...phoneOf(9), attributes: { d: 4 } }]),
      ]);
      expect(results.map(([o]) => o!.result).sort()).toEqual(['created', 'created', 'updated', 'updated']);
      const all = await store.contacts.list({ limit: 10 });
      expect(all).toHaveLength(2);
      expect(all.find((c) => c.externalId === 'RACE')!.attributes).toEqual({ a: 1, b: 2 });
      expect(all.find((c) => c.externalId === null)!.attributes).toEqual({ c: 3, d: 4 });
    });

    it('upserts thousands in one call and updates them in the next', async () => {
      const n = 5_000;
      const batch = Array.from({ length: n }, (_, i) => ({
        externalId: `C-${i}`,
        ...phoneOf(i),
        attributes: { age: 20 + (i % 50), prefecture: i % 2 ? '大阪府' : '東京都' },
      }));
      const created = await upsert(batch);
      expect(created.every((o) => o.result === 'created')).toBe(true);
      const updated = await upsert(
        batch.map((c) => ({ externalId: c.externalId, attributes: { plan: 'gold' } })),
        T0 + 1,
      );
      expect(updated.every((o) => o.result === 'updated')).toBe(true);
      const page = await store.contacts.list({ limit: 3 });
      expect(page[0]!.attributes).toEqual({ age: 20, prefecture: '東京都', plan: 'gold' });
    });

    it('lists contacts in id order, page by page, and by customer ID or phone', async () => {
      for (let i = 0; i < 25; i++) await one({ externalId: `C-${i}`, ...phoneOf(i % 20) });
      const seen: string[] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await store.contacts.list({ limit: 10, ...(afterId ? { afterId } : {}) });
        seen.push(...page.map((c) => c.externalId!));
        if (page.length < 10) break;
        afterId = page[page.length - 1]!.id;
      }
      expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `C-${i}`));

      expect((await store.contacts.list({ externalId: 'C-7', limit: 10 })).map((c) => c.externalId)).toEqual([
        'C-7',
      ]);
      const samePhone = await store.contacts.list({ phoneHmac: phoneOf(3).phoneHmac, limit: 10 });
      expect(samePhone.map((c) => c.externalId)).toEqual(['C-3', 'C-23']);
      expect(await store.contacts.list({ phoneHmac: 'hmac-nobody', limit: 10 })).toEqual([]);
      const both = await store.contacts.list({
        externalId: 'C-23',
        phoneHmac: phoneOf(3).phoneHmac,
        limit: 10,
      });
      expect(both.map((c) => c.externalId)).toEqual(['C-23']);
    });

    it('deletes a contact by id', async () => {
      const a = await one({ externalId: 'M001', ...phoneOf(1) });
      const b = await one({ externalId: 'M002' });
      expect(await store.contacts.delete(a.id)).toBe(true);
      expect(await store.contacts.delete(a.id)).toBe(false);
      expect(await store.contacts.get(a.id)).toBeNull();
      expect((await store.contacts.list({ limit: 10 })).map((c) => c.id)).toEqual([b.id]);
      const again = await one({ externalId: 'M001' });
      expect(again.id).not.toBe(a.id);
    });

    it('keeps segments: unique names, compare-and-set updates, list by name, delete', async () => {
      const s = newSegment({ name: 'tokyo-30s' });
      expect(await store.contacts.createSegment(s)).toBe(true);
      expect(await store.contacts.createSegment(newSegment({ name: 'tokyo-30s' }))).toBe(false);
      expect(await store.contacts.getSegment(s.id)).toEqual(s);
      expect(await store.contacts.findSegmentByName('tokyo-30s')).toEqual(s);
      expect(await store.contacts.findSegmentByName('nope')).toBeNull();
      const other = newSegment({ name: 'all', description: null, filter: { all: [] } });
      await store.contacts.createSegment(other);
      expect((await store.contacts.listSegments()).map((x) => x.name)).toEqual(['all', 'tokyo-30s']);

      const changed = { ...s, name: 'tokyo-30s-gold', filter: { any: [] }, updatedAt: T0 + 1 };
      const updated = await store.contacts.updateSegment(changed, 0);
      expect(updated).toEqual({ result: 'updated', segment: { ...changed, version: 1 } });
      expect(await store.contacts.updateSegment({ ...changed, description: 'stale' }, 0)).toEqual({
        result: 'stale',
      });
      expect(await store.contacts.updateSegment({ ...changed, name: 'all' }, 1)).toEqual({
        result: 'name_taken',
      });
      expect(await store.contacts.updateSegment(newSegment(), 0)).toEqual({ result: 'stale' });
      store = await h.reopen();
      expect(await store.contacts.getSegment(s.id)).toEqual({ ...changed, version: 1 });

      expect(await store.contacts.deleteSegment(s.id)).toBe(true);
      expect(await store.contacts.deleteSegment(s.id)).toBe(false);
      expect(await store.contacts.getSegment(s.id)).toBeNull();
      expect((await store.contacts.listSegments()).map((x) => x.name)).toEqual(['all']);
    });
  });
}
