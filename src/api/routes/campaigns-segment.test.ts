import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignDeps } from '../../campaigns/campaign-deps.js';
import { campaignIdempotencyKey } from '../../campaigns/message-for-recipient.js';
import { CampaignRunner } from '../../campaigns/runner/campaign-runner.js';
import { TemplateResolver } from '../template-resolver.js';
import { startCampaignApp, type CampaignTestApp } from './campaigns-test-kit.js';

let t: CampaignTestApp;
let deps: CampaignDeps;
beforeEach(async () => {
  t = await startCampaignApp();
  deps = {
    store: t.store,
    config: t.deps.config,
    clock: t.clock,
    newId: t.deps.newId,
    templates: new TemplateResolver(t.store),
  };
});
afterEach(() => t.close());

const LINE_1 = `U${'1'.repeat(32)}`;

/**
 * Customers with unpaid bills (status unpaid) and one who paid. The reminder template needs name and amount.
 * C3 has a landline, C4 shares C2's mobile (family), C5 has no amount.
 */
const CONTACTS = [
  {
    externalId: 'C1',
    phone: '090-1000-0001',
    name: '顧客1',
    lineUserIds: [LINE_1],
    attributes: { status: 'unpaid', amount: 1001 },
  },
  {
    externalId: 'C2',
    phone: '090-1000-0002',
    name: '顧客2',
    attributes: { status: 'unpaid', amount: '1,002' },
  },
  { externalId: 'C3', phone: '03-1234-5678', name: '顧客3', attributes: { status: 'unpaid', amount: 1003 } },
  { externalId: 'C4', phone: '09010000002', name: '顧客4', attributes: { status: 'unpaid', amount: 1004 } },
  { externalId: 'C5', phone: '090-1000-0005', name: '顧客5', attributes: { status: 'unpaid' } },
  { externalId: 'C6', phone: '090-1000-0006', name: '顧客6', attributes: { status: 'paid', amount: 1006 } },
];

async function setUp() {
  const upserted = await t.call('POST', '/v1/contacts', CONTACTS);
  expect(upserted.body.items.every((i: any) => i.result === 'created')).toBe(true);
  const segment = await t.call('POST', '/v1/segments', {
    name: '未払い',
    filter: { all: [{ attribute: 'status', op: 'eq', value: 'unpaid' }] },
  });
  expect(segment.status).toBe(201);
  return segment.body;
}

describe('a campaign from a segment, through the API', () => {
  it('fills the list from the segment as from a CSV, is validated, approved by a second key, started and sent', async () => {
    const segment = await setUp();
    const c = await t.createCampaign({ options: { throttlePerMinute: 60_000 } });

    const filled = await t.call('POST', `/v1/campaigns/${c.id}/recipients/segment`, {
      segmentId: segment.id,
    });
    expect(filled.status).toBe(200);
    // Rows 1..5 in contact id order: C3 is a landline (error), C4 repeats C2's number (sent once), C5 lacks amount.
    expect(filled.body.import).toMatchObject({
      rows: 5,
      accepted: 2,
      rejected: 2,
      duplicates: 1,
      errors: 2,
      warnings: 1,
      problemsByCode: { not_sms_capable: 1, duplicate_in_file: 1, missing_value: 1 },
    });
    expect(filled.body.problems.map((p: any) => [p.rowNumber, p.column, p.code, p.severity])).toEqual([
      [3, 'phone', 'not_sms_capable', 'error'],
      [4, 'phone', 'duplicate_in_file', 'warning'],
      [5, 'attributes.amount', 'missing_value', 'error'],
    ]);
    expect(filled.body.problems[1].messageJa).toMatch(/2行目と同じ/);
    const { imported } = filled.body.campaign;
    expect(imported).toMatchObject({
      fileName: 'segment:未払い',
      recipients: 2,
      errors: 2,
      warnings: 1,
      importedBy: t.preparerKeyId,
      source: {
        kind: 'segment',
        segmentId: segment.id,
        segmentName: '未払い',
        segmentVersion: 0,
        contacts: 5,
      },
    });
    expect(imported.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(filled.body.campaign.mapping).toBeNull();

    const listed = (await t.call('GET', `/v1/campaigns/${c.id}/recipients`)).body.items;
    expect(
      listed.map((r: any) => [r.rowNumber, r.externalId, r.phone, r.lineUserId, r.name, r.variables]),
    ).toEqual([
      [1, 'C1', '+819010000001', LINE_1, '顧客1', { amount: '1001' }],
      [2, 'C2', '+819010000002', null, '顧客2', { amount: '1,002' }],
    ]);

    const problems = await t.app.inject({
      method: 'GET',
      url: `/v1/campaigns/${c.id}/problems`,
      headers: t.auth,
    });
    const lines: string[][] = parse(problems.body.replace(/^\uFEFF/, ''));
    expect(lines.slice(1).map((l) => [l[0], l[2]])).toEqual([
      ['3', 'not_sms_capable'],
      ['4', 'duplicate_in_file'],
      ['5', 'missing_value'],
    ]);

    const validated = await t.call('POST', `/v1/campaigns/${c.id}/validate`, {});
    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({
      status: 'validated',
      report: { recipients: 2, sendable: 2, excluded: {}, sameFileAs: [] },
    });
    const requested = await t.call('POST', `/v1/campaigns/${c.id}/request-approval`, {
      version: validated.body.version,
    });
    expect(requested.body.status).toBe('pending_approval');
    expect((await t.call('POST', `/v1/campaigns/${c.id}/approve`, {})).body.code).toBe('same_approver');
    const approved = await t.call(
      'POST',
      `/v1/campaigns/${c.id}/approve`,
      { version: requested.body.version },
      t.approver,
    );
    expect(approved.status).toBe(200);
    expect((await t.call('POST', `/v1/campaigns/${c.id}/start`, {})).body.status).toBe('scheduled');

    await new CampaignRunner(deps, 'runner-test', { roundMs: 1_000 }).round();
    const messages = await t.store.listMessages({ campaignId: c.id, limit: 10 });
    expect(messages).toHaveLength(2);
    const byKey = new Map(messages.map((m) => [m.idempotencyKey, m]));
    const first = byKey.get(campaignIdempotencyKey(c.id, 1))!;
    expect(first).toMatchObject({
      phone: '+819010000001',
      lineUserId: LINE_1,
      metadata: { campaignId: c.id, rowNumber: 1, externalId: 'C1' },
    });
    expect(first.content.channels?.line_pnp?.text).toBe('顧客1様 ご利用額は1001円です。');
    const second = byKey.get(campaignIdempotencyKey(c.id, 2))!;
    expect(second.content.channels?.sms?.text).toBe('顧客2様 ご利用額1,002円');

    const exported = await t.app.inject({
      method: 'GET',
      url: `/v1/campaigns/${c.id}/export`,
      headers: t.auth,
    });
    const rows: string[][] = parse(exported.body.replace(/^\uFEFF/, ''));
    expect(rows.slice(1).map((r) => [r[0], r[1], r[4]])).toEqual([
      ['1', 'C1', 'accepted'],
      ['2', 'C2', 'accepted'],
    ]);
  });

  it('flags a second campaign from the same unchanged contacts as the same list, and a changed one not', async () => {
    const segment = await setUp();
    const a = await t.createCampaign();
    const fromA = await t.call('POST', `/v1/campaigns/${a.id}/recipients/segment`, { segmentId: segment.id });
    const b = await t.createCampaign();
    // By name works as well as by id.
    const fromB = await t.call('POST', `/v1/campaigns/${b.id}/recipients/segment`, { segmentId: '未払い' });
    expect(fromB.body.campaign.imported.sha256).toBe(fromA.body.campaign.imported.sha256);
    expect((await t.call('POST', `/v1/campaigns/${b.id}/validate`, {})).body.report.sameFileAs).toEqual([
      a.id,
    ]);

    await t.call('POST', '/v1/contacts', { externalId: 'C2', attributes: { amount: 2002 } });
    const c = await t.createCampaign();
    const fromC = await t.call('POST', `/v1/campaigns/${c.id}/recipients/segment`, { segmentId: segment.id });
    expect(fromC.body.campaign.imported.sha256).not.toBe(fromA.body.campaign.imported.sha256);
  });

  it('replaces an uploaded list, and is replaced by the next upload, all or nothing', async () => {
    const segment = await setUp();
    const c = await t.createCampaign();
    const up = await t.upload(
      `/v1/campaigns/${c.id}/recipients?fileName=list.csv`,
      '電話番号,氏名,金額\r\n09020000001,X,5\r\n',
    );
    expect(up.body.campaign.imported.recipients).toBe(1);
    const filled = await t.call('POST', `/v1/campaigns/${c.id}/recipients/segment`, {
      segmentId: segment.id,
    });
    expect(filled.body.campaign.imported).toMatchObject({ fileName: 'segment:未払い', recipients: 2 });
    // The CSV's mapping stays for the next CSV; the segment has its own columns.
    expect(filled.body.campaign.mapping).toMatchObject({ 電話番号: 'phone' });
    const again = await t.upload(
      `/v1/campaigns/${c.id}/recipients?fileName=list2.csv`,
      '電話番号,氏名,金額\r\n09020000002,Y,6\r\n',
    );
    expect(again.body.campaign.imported.fileName).toBe('list2.csv');
    expect(again.body.campaign.imported.source).toBeUndefined();
  });

  it('refuses an unknown segment (404) and a campaign that is not a draft (409)', async () => {
    const segment = await setUp();
    const c = await t.createCampaign();
    const unknown = await t.call('POST', `/v1/campaigns/${c.id}/recipients/segment`, { segmentId: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('segment_not_found');
    await t.call('POST', `/v1/campaigns/${c.id}/recipients/segment`, { segmentId: segment.id });
    await t.call('POST', `/v1/campaigns/${c.id}/validate`, {});
    const frozen = await t.call('POST', `/v1/campaigns/${c.id}/recipients/segment`, {
      segmentId: segment.id,
    });
    expect(frozen.status).toBe(409);
    expect(frozen.body.code).toBe('campaign_state');
    const noCampaign = await t.call('POST', '/v1/campaigns/nope/recipients/segment', {
      segmentId: segment.id,
    });
    expect(noCampaign.body.code).toBe('campaign_not_found');
  });

  it('reports every row when the template needs a variable no contact has', async () => {
    const segment = await setUp();
    const template = await t.call('POST', '/v1/templates', {
      name: 'nested',
      purpose: 'usage_alert',
      channels: { sms: { text: '{{ bill.amount }}円' }, line_pnp: { text: '{{ bill.amount }}円' } },
    });
    expect(template.status).toBe(201);
    const c = await t.createCampaign({ template: 'nested' });
    const filled = await t.call('POST', `/v1/campaigns/${c.id}/recipients/segment`, {
      segmentId: segment.id,
    });
    // `bill` is read from the attributes; no contact has it, so every row lacks it and none is sent.
    expect(filled.status).toBe(200);
    expect(filled.body.import).toMatchObject({ rows: 5, accepted: 0, problemsByCode: { missing_value: 5 } });
    expect(filled.body.problems.filter((p: any) => p.code === 'missing_value')[0].column).toBe(
      'attributes.bill',
    );
  });
});
