import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { phoneHmac } from '../../core/phone.js';
import { startCampaignApp, type CampaignTestApp } from './campaigns-test-kit.js';

let t: CampaignTestApp;
beforeEach(async () => {
  t = await startCampaignApp();
});
afterEach(() => t.close());

const LINE_A = `U${'a'.repeat(32)}`;
const LINE_B = `U${'b'.repeat(32)}`;

describe('/v1/contacts', () => {
  it('creates a contact (201), updates it by customer ID (200) and shows it as stored', async () => {
    const created = await t.call('POST', '/v1/contacts', {
      externalId: 'M001',
      phone: '090-1234-5678',
      name: ' 山田 太郎 ',
      email: 'taro@example.jp',
      lineUserIds: [LINE_A],
      attributes: { age: 35, prefecture: '東京都', gold: true },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      externalId: 'M001',
      phone: '+819012345678',
      name: '山田 太郎',
      lineUserIds: [LINE_A],
      attributes: { age: 35, prefecture: '東京都', gold: true },
      version: 0,
    });
    expect(created.body.phoneHmac).toBeUndefined();
    expect(created.body.createdAt).toBe(new Date(t.clock.now()).toISOString());

    const updated = await t.call('POST', '/v1/contacts', {
      externalId: 'M001',
      lineUserIds: [LINE_B],
      attributes: { age: 36, gold: null, plan: 'プレミアム' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      id: created.body.id,
      phone: '+819012345678',
      email: 'taro@example.jp',
      lineUserIds: [LINE_A, LINE_B],
      attributes: { age: 36, prefecture: '東京都', plan: 'プレミアム' },
      version: 1,
    });
    const stored = await t.store.contacts.get(created.body.id);
    expect(stored?.phoneHmac).toBe(phoneHmac(t.deps.config.secret, '+819012345678'));
    expect((await t.call('GET', `/v1/contacts/${created.body.id}`)).body).toEqual(updated.body);
  });

  it('upserts by phone without a customer ID, keeps landlines, and refuses what cannot be stored', async () => {
    const byPhone = await t.call('POST', '/v1/contacts', { phone: '+81 80 1111 2222', name: '佐藤' });
    expect(byPhone.status).toBe(201);
    const again = await t.call('POST', '/v1/contacts', { phone: '08011112222', attributes: { age: 40 } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: byPhone.body.id, name: '佐藤', attributes: { age: 40 } });

    const landline = await t.call('POST', '/v1/contacts', { externalId: 'L1', phone: '03-1234-5678' });
    expect(landline.status).toBe(201);
    expect(landline.body.phone).toBe('+81312345678');

    const noKey = await t.call('POST', '/v1/contacts', { email: 'x@example.jp' });
    expect(noKey.status).toBe(422);
    expect(noKey.body).toMatchObject({ code: 'missing_contact_key', status: 422 });
    expect(noKey.body.detail).toMatch(/顧客ID.*externalId/);
    const badPhone = await t.call('POST', '/v1/contacts', { externalId: 'X', phone: '12' });
    expect(badPhone.body.code).toBe('invalid_phone');

    await t.call('POST', '/v1/contacts', { externalId: 'F1', phone: '09033334444' });
    await t.call('POST', '/v1/contacts', { externalId: 'F2', phone: '09033334444' });
    const shared = await t.call('POST', '/v1/contacts', { phone: '09033334444', name: '?' });
    expect(shared.status).toBe(409);
    expect(shared.body.code).toBe('ambiguous_contact');
  });

  it('takes a batch: each item checked on its own, the valid ones stored together', async () => {
    const res = await t.call('POST', '/v1/contacts', [
      { externalId: 'B1', phone: '09010000001', attributes: { age: 20 } },
      { externalId: 'B2', phone: 'not a phone' },
      { externalId: 'B3', email: 'not-an-address' },
      { name: 'no key' },
      { externalId: 'B5', attributes: { '1st': 'x' } },
      { externalId: 'B6', lineUserIds: ['U123'] },
      { externalId: 'B1', attributes: { plan: 'gold' } },
      { externalId: 'B8', unknownField: 1 },
      'not an object',
    ]);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: any) => [i.index, i.result ?? i.error.code])).toEqual([
      [0, 'created'],
      [1, 'invalid_phone'],
      [2, 'validation_failed'],
      [3, 'missing_contact_key'],
      [4, 'validation_failed'],
      [5, 'validation_failed'],
      [6, 'updated'],
      [7, 'validation_failed'],
      [8, 'validation_failed'],
    ]);
    expect(res.body.items[2].error.errors[0]).toMatchObject({ path: 'email' });
    expect(res.body.items[4].error.errors[0].path).toMatch(/^attributes/);
    const [b1] = (await t.call('GET', '/v1/contacts?externalId=B1')).body.items;
    expect(b1.attributes).toEqual({ age: 20, plan: 'gold' });
    expect((await t.call('GET', '/v1/contacts')).body.items).toHaveLength(1);
  });

  it('refuses a batch over 10,000 with 413 batch_too_large', async () => {
    const items = Array.from({ length: 10_001 }, (_, i) => ({ externalId: `C-${i}` }));
    const res = await t.call('POST', '/v1/contacts', items);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'batch_too_large', maxItems: 10_000 });
  });

  it('stores 10,000 in one request', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      externalId: `C-${i}`,
      phone: `090${String(20_000_000 + i)}`,
      attributes: { n: i },
    }));
    const res = await t.call('POST', '/v1/contacts', items);
    expect(res.status).toBe(200);
    expect(res.body.items.every((i: any) => i.result === 'created')).toBe(true);
    const page = await t.call('GET', '/v1/contacts?limit=1000');
    expect(page.body.items).toHaveLength(1000);
    expect(page.body.nextCursor).toBe(page.body.items[999].id);
  });

  it('lists in id order with a cursor, and by customer ID or phone', async () => {
    await t.call(
      'POST',
      '/v1/contacts',
      Array.from({ length: 5 }, (_, i) => ({ externalId: `C-${i}`, phone: `0901000000${i}` })),
    );
    const first = (await t.call('GET', '/v1/contacts?limit=2')).body;
    expect(first.items.map((c: any) => c.externalId)).toEqual(['C-0', 'C-1']);
    const second = (await t.call('GET', `/v1/contacts?limit=2&cursor=${first.nextCursor}`)).body;
    expect(second.items.map((c: any) => c.externalId)).toEqual(['C-2', 'C-3']);
    const last = (await t.call('GET', `/v1/contacts?limit=2&cursor=${second.nextCursor}`)).body;
    expect(last).toMatchObject({ nextCursor: null });
    expect(last.items.map((c: any) => c.externalId)).toEqual(['C-4']);

    const byPhone = (await t.call('GET', `/v1/contacts?phone=${encodeURIComponent('+81 90 1000 0003')}`))
      .body;
    expect(byPhone.items.map((c: any) => c.externalId)).toEqual(['C-3']);
    expect((await t.call('GET', '/v1/contacts?externalId=C-2')).body.items).toHaveLength(1);
    expect((await t.call('GET', '/v1/contacts?phone=abc')).body.code).toBe('invalid_phone');
  });

  it('deletes a contact (204), then answers 404 contact_not_found', async () => {
    const c = (await t.call('POST', '/v1/contacts', { externalId: 'D1' })).body;
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/contacts/${c.id}`, headers: t.auth });
    expect(del.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'DELETE', url: `/v1/contacts/${c.id}`, headers: t.auth });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'contact_not_found' });
    expect((await t.call('GET', `/v1/contacts/${c.id}`)).body).toMatchObject({
      code: 'contact_not_found',
      status: 404,
    });
  });

  it('needs an API key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/contacts' });
    expect(res.statusCode).toBe(401);
  });
});
