import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCampaignApp, type CampaignTestApp } from './campaigns-test-kit.js';

let t: CampaignTestApp;
beforeEach(async () => {
  t = await startCampaignApp();
});
afterEach(() => t.close());

const TOKYO_30S = {
  all: [
    { attribute: 'age', op: 'between', value: [30, 39] },
    {
      any: [
        { attribute: 'prefecture', op: 'eq', value: '東京都' },
        { attribute: 'hasLine', op: 'eq', value: true },
      ],
    },
  ],
};

async function seedContacts() {
  const res = await t.call('POST', '/v1/contacts', [
    { externalId: 'C1', phone: '09010000001', attributes: { age: 35, prefecture: '東京都' } },
    { externalId: 'C2', phone: '09010000002', attributes: { age: '31', prefecture: '大阪府' } },
    {
      externalId: 'C3',
      phone: '09010000003',
      lineUserIds: [`U${'3'.repeat(32)}`],
      attributes: { age: 38, prefecture: '大阪府' },
    },
    { externalId: 'C4', phone: '09010000004', attributes: { age: 45, prefecture: '東京都' } },
    { externalId: 'C5', phone: '09010000005', attributes: { age: 'unknown', prefecture: '東京都' } },
    { externalId: 'C6', phone: '09010000006', attributes: { age: '３９', prefecture: '東京都' } },
  ]);
  expect(res.status).toBe(200);
}

describe('/v1/segments', () => {
  it('creates, reads (by id or name), lists, changes with the version and deletes a segment', async () => {
    const created = await t.call('POST', '/v1/segments', {
      name: '東京30代',
      description: '30代で東京都、またはLINE連携済み',
      filter: TOKYO_30S,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: '東京30代',
      filter: TOKYO_30S,
      version: 0,
      createdBy: t.preparerKeyId,
    });
    const { id } = created.body;
    expect((await t.call('GET', `/v1/segments/${id}`)).body).toEqual(created.body);
    expect((await t.call('GET', `/v1/segments/${encodeURIComponent('東京30代')}`)).body.id).toBe(id);
    await t.call('POST', '/v1/segments', { name: 'all', filter: { all: [] } });
    expect((await t.call('GET', '/v1/segments')).body.items.map((s: any) => s.name)).toEqual([
      'all',
      '東京30代',
    ]);
    expect((await t.call('GET', '/v1/segments?name=all')).body.items).toHaveLength(1);
    expect((await t.call('GET', '/v1/segments?name=nope')).body.items).toEqual([]);

    const changed = await t.call('PUT', `/v1/segments/${id}`, {
      name: '東京30代',
      filter: { any: [{ attribute: 'prefecture', op: 'eq', value: '東京都' }] },
      version: 0,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: 1, description: '30代で東京都、またはLINE連携済み' });

    const del = await t.app.inject({ method: 'DELETE', url: `/v1/segments/${id}`, headers: t.auth });
    expect(del.statusCode).toBe(204);
    expect((await t.call('GET', `/v1/segments/${id}`)).body).toMatchObject({
      code: 'segment_not_found',
      status: 404,
    });
    const again = await t.app.inject({ method: 'DELETE', url: `/v1/segments/${id}`, headers: t.auth });
    expect(again.statusCode).toBe(404);
  });

  it('refuses a stale version with 409 segment_changed, and a used name with 409 segment_name_taken', async () => {
    const s = (await t.call('POST', '/v1/segments', { name: 'a', filter: { all: [] } })).body;
    await t.call('POST', '/v1/segments', { name: 'b', filter: { all: [] } });
    const first = await t.call('PUT', `/v1/segments/${s.id}`, { name: 'a', filter: { all: [] }, version: 0 });
    expect(first.body.version).toBe(1);
    const stale = await t.call('PUT', `/v1/segments/${s.id}`, {
      name: 'a',
      description: 'based on version 0',
      filter: { all: [] },
      version: 0,
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'segment_changed', expectedVersion: 0, version: 1 });
    expect(stale.body.detail).toMatch(/変更されました.*changed since you read it/);
    expect((await t.call('GET', `/v1/segments/${s.id}`)).body.description).toBeNull();

    const renamed = await t.call('PUT', `/v1/segments/${s.id}`, {
      name: 'b',
      filter: { all: [] },
      version: 1,
    });
    expect(renamed.status).toBe(409);
    expect(renamed.body.code).toBe('segment_name_taken');
    const duplicate = await t.call('POST', '/v1/segments', { name: 'b', filter: { all: [] } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('segment_name_taken');
    const missing = await t.call('PUT', '/v1/segments/nope', { name: 'x', filter: { all: [] }, version: 0 });
    expect(missing.body.code).toBe('segment_not_found');
  });

  it.each<[string, unknown, string[]]>([
    ['neither all nor any', {}, ['filter']],
    ['both all and any', { all: [], any: [{ attribute: 'a', op: 'exists' }] }, ['filter']],
    ['an unknown operator', { all: [{ attribute: 'age', op: 'like', value: 3 }] }, ['filter.all.0.op']],
    ['a missing value', { all: [{ attribute: 'age', op: 'gte' }] }, ['filter.all.0.value']],
    [
      'a value exists does not take',
      { all: [{ attribute: 'age', op: 'exists', value: 1 }] },
      ['filter.all.0.value'],
    ],
    [
      'between backwards',
      { all: [{ attribute: 'age', op: 'between', value: [40, 30] }] },
      ['filter.all.0.value'],
    ],
    ['an empty in list', { any: [{ attribute: 'plan', op: 'in', value: [] }] }, ['filter.any.0.value']],
    ['no attribute', { all: [{ op: 'exists' }] }, ['filter.all.0.attribute']],
    [
      'a group in a group',
      { all: [{ any: [{ all: [{ attribute: 'a', op: 'exists' }] }] }] },
      ['filter.all.0.any.0'],
    ],
    [
      'a condition and a group at once',
      { all: [{ attribute: 'a', op: 'exists', all: [] }] },
      ['filter.all.0'],
    ],
    ['an unknown key', { all: [{ attribute: 'a', op: 'exists', negate: true }] }, ['filter.all.0']],
    ['hasLine compared', { all: [{ attribute: 'hasLine', op: 'gt', value: 0 }] }, ['filter.all.0.value']],
  ])('refuses a filter with %s: 422 invalid_filter with the path', async (_what, filter, paths) => {
    const res = await t.call('POST', '/v1/segments', { name: 'x', filter });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('invalid_filter');
    expect(res.body.detail).toMatch(/条件が正しくありません.*filter is not valid/);
    expect(res.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(paths));
    expect((await t.call('GET', '/v1/segments')).body.items).toEqual([]);
  });

  it('answers validation_failed for a problem outside the filter', async () => {
    const noName = await t.call('POST', '/v1/segments', { filter: { all: [] } });
    expect(noName.status).toBe(422);
    expect(noName.body.code).toBe('validation_failed');
    expect(noName.body.errors[0].path).toBe('name');
    const noVersion = await t.call('PUT', '/v1/segments/x', { name: 'x', filter: { all: [] } });
    expect(noVersion.body.code).toBe('validation_failed');
    expect(noVersion.body.errors[0].path).toBe('version');
  });

  it('previews a segment: the count and the first matching contacts, in id order, as stored', async () => {
    await seedContacts();
    const s = (await t.call('POST', '/v1/segments', { name: 't', filter: TOKYO_30S })).body;
    const preview = await t.call('GET', `/v1/segments/${s.id}/preview?limit=2`);
    expect(preview.status).toBe(200);
    // C1 (35, 東京都), C3 (38, LINE), C6 ("３９", 東京都); not C2 (大阪府, no LINE), C4 (45), C5 ("unknown").
    expect(preview.body.count).toBe(3);
    expect(preview.body.contacts.map((c: any) => c.externalId)).toEqual(['C1', 'C3']);
    expect(preview.body.contacts[0].phone).toBe('+819010000001');
    expect(preview.body.segment.name).toBe('t');

    const numbers = await t.call('POST', '/v1/segments', {
      name: 'age text',
      filter: { all: [{ attribute: 'age', op: 'gte', value: 30 }] },
    });
    const byNumber = (await t.call('GET', `/v1/segments/${numbers.body.id}/preview`)).body;
    expect(byNumber.contacts.map((c: any) => c.externalId)).toEqual(['C1', 'C2', 'C3', 'C4', 'C6']);
    expect((await t.call('GET', '/v1/segments/nope/preview')).body.code).toBe('segment_not_found');
  });

  it('appears in the OpenAPI document with the contact and campaign routes', async () => {
    const spec = (await t.app.inject('/docs/json')).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/contacts',
        '/v1/contacts/{id}',
        '/v1/contacts/import',
        '/v1/contacts/imports/{importId}/problems',
        '/v1/segments',
        '/v1/segments/{id}',
        '/v1/segments/{id}/preview',
        '/v1/campaigns/{id}/recipients/segment',
      ]),
    );
    expect(Object.keys(spec.paths['/v1/segments/{id}']!)).toEqual(
      expect.arrayContaining(['get', 'put', 'delete']),
    );
    expect(JSON.stringify(spec.paths['/v1/segments']!.post)).toContain('between');
  });
});
