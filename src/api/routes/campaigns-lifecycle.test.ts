import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { people, recipientsCsv, startCampaignApp, type CampaignTestApp } from './campaigns-test-kit.js';

let t: CampaignTestApp;
beforeEach(async () => {
  t = await startCampaignApp();
});
afterEach(() => t.close());

async function validatedCampaign(n = 3) {
  const c = await t.createCampaign();
  const up = await t.upload(`/v1/campaigns/${c.id}/recipients?fileName=list.csv`, recipientsCsv(people(n)));
  expect(up.status).toBe(200);
  const v = await t.call('POST', `/v1/campaigns/${c.id}/validate`, {});
  expect(v.status).toBe(200);
  return v.body;
}

describe('campaign lifecycle through the API', () => {
  it('goes draft → validated → pending_approval → approved → scheduled, with who did what', async () => {
    const c = await t.createCampaign();
    expect(c).toMatchObject({
      status: 'draft',
      version: 0,
      template: { name: 'reminder', version: 1 },
      route: { name: 'line-then-sms' },
      createdBy: t.preparerKeyId,
    });
    const up = await t.upload(`/v1/campaigns/${c.id}/recipients?fileName=list.csv`, recipientsCsv(people(3)));
    expect(up.body.import).toMatchObject({ rows: 3, accepted: 3, errors: 0 });
    expect(up.body.campaign.imported).toMatchObject({ fileName: 'list.csv', recipients: 3 });
    expect(up.body.campaign.imported.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(up.body.campaign.mapping).toMatchObject({
      電話番号: 'phone',
      氏名: 'name',
      金額: { variable: 'amount' },
    });

    const validated = (await t.call('POST', `/v1/campaigns/${c.id}/validate`, {})).body;
    expect(validated).toMatchObject({
      status: 'validated',
      report: { recipients: 3, sendable: 3, excluded: {} },
    });

    const requested = await t.call('POST', `/v1/campaigns/${c.id}/request-approval`, {
      version: validated.version,
    });
    expect(requested.body).toMatchObject({
      status: 'pending_approval',
      approvalRequestedBy: t.preparerKeyId,
    });

    const approved = await t.call('POST', `/v1/campaigns/${c.id}/approve`, {}, t.approver);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.approvedBy).not.toBe(t.preparerKeyId);
    expect(approved.body.approvedAt).toBe(new Date(t.clock.now()).toISOString());

    const started = await t.call('POST', `/v1/campaigns/${c.id}/start`, {});
    expect(started.body.status).toBe('scheduled');
    expect(started.body.history.map((h: any) => h.action)).toEqual([
      'create',
      'upload',
      'validate',
      'request-approval',
      'approve',
      'start',
    ]);
  });

  it('refuses approval by the operator who prepared the campaign (four eyes), with a 403 same_approver', async () => {
    const v = await validatedCampaign();
    await t.call('POST', `/v1/campaigns/${v.id}/request-approval`, {});
    const own = await t.call('POST', `/v1/campaigns/${v.id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body).toMatchObject({ code: 'same_approver', status: 403 });
    expect(own.body.detail).toMatch(/別の担当者.*another operator/);
    expect((await t.call('GET', `/v1/campaigns/${v.id}`)).body.status).toBe('pending_approval');
  });

  it('refuses approval by whoever asked for it, even when someone else created the campaign', async () => {
    const v = await validatedCampaign();
    await t.call('POST', `/v1/campaigns/${v.id}/request-approval`, {}, t.approver);
    const res = await t.call('POST', `/v1/campaigns/${v.id}/approve`, {}, t.approver);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('same_approver');
  });

  it('refuses approval by an operator who changed the list, such as adding an exclusion list', async () => {
    const c = await t.createCampaign();
    await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(people(3)));
    await t.upload(`/v1/campaigns/${c.id}/exclusion-lists`, '顧客ID\nC-1\n', t.approver);
    await t.call('POST', `/v1/campaigns/${c.id}/validate`, {});
    await t.call('POST', `/v1/campaigns/${c.id}/request-approval`, {});
    const res = await t.call('POST', `/v1/campaigns/${c.id}/approve`, {}, t.approver);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('same_approver');
  });

  it('approves only the version the approver reviewed', async () => {
    const v = await validatedCampaign();
    const requested = (await t.call('POST', `/v1/campaigns/${v.id}/request-approval`, {})).body;
    const stale = await t.call(
      'POST',
      `/v1/campaigns/${v.id}/approve`,
      { version: requested.version - 1 },
      t.approver,
    );
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('campaign_changed');
    const ok = await t.call(
      'POST',
      `/v1/campaigns/${v.id}/approve`,
      { version: requested.version },
      t.approver,
    );
    expect(ok.status).toBe(200);
  });

  it.each([
    ['approve', 'draft'],
    ['start', 'draft'],
    ['request-approval', 'draft'],
    ['pause', 'draft'],
    ['resume', 'draft'],
  ])('refuses %s from %s with 409 campaign_state', async (action) => {
    const c = await t.createCampaign();
    const res = await t.call('POST', `/v1/campaigns/${c.id}/${action}`, {}, t.approver);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'campaign_state', campaignStatus: 'draft' });
  });

  it('refuses to validate without recipients, and to start before approval', async () => {
    const c = await t.createCampaign();
    expect((await t.call('POST', `/v1/campaigns/${c.id}/validate`, {})).body.code).toBe('no_recipients');
    const v = await validatedCampaign();
    const res = await t.call('POST', `/v1/campaigns/${v.id}/start`, {});
    expect(res.status).toBe(409);
    expect(res.body.allowedFrom).toEqual(['approved']);
  });

  it('freezes the list once validated: uploads are refused until reopened, and reopening drops the report', async () => {
    const v = await validatedCampaign();
    const refused = await t.upload(`/v1/campaigns/${v.id}/recipients`, recipientsCsv(people(1)));
    expect(refused.status).toBe(409);
    const reopened = (await t.call('POST', `/v1/campaigns/${v.id}/reopen`, {})).body;
    expect(reopened).toMatchObject({ status: 'draft', report: null });
    expect((await t.upload(`/v1/campaigns/${v.id}/recipients`, recipientsCsv(people(1)))).status).toBe(200);
  });

  it('cancels from any status that is not final, and never again', async () => {
    const c = await t.createCampaign();
    const canceled = await t.call('POST', `/v1/campaigns/${c.id}/cancel`, {});
    expect(canceled.body).toMatchObject({ status: 'canceled' });
    expect((await t.call('POST', `/v1/campaigns/${c.id}/cancel`, {})).status).toBe(409);
    const v = await validatedCampaign();
    expect((await t.call('POST', `/v1/campaigns/${v.id}/cancel`, {})).body.status).toBe('canceled');
  });

  it('answers 404 campaign_not_found and 422 for a bad request', async () => {
    expect((await t.call('GET', '/v1/campaigns/nope')).body).toMatchObject({ code: 'campaign_not_found' });
    const bad = await t.call('POST', '/v1/campaigns', {
      name: 'x',
      template: 'reminder',
      route: 'nope',
      purpose: 'usage_alert',
    });
    expect(bad.body.code).toBe('unknown_route');
    const promo = await t.call('POST', '/v1/campaigns', {
      name: 'x',
      template: 'reminder',
      route: 'line-then-sms',
      purpose: 'promotion',
    });
    expect(promo.body.code).toBe('channel_not_allowed');
  });

  it('lists campaigns newest first', async () => {
    const a = await t.createCampaign({ name: 'a' });
    const b = await t.createCampaign({ name: 'b' });
    const list = (await t.call('GET', '/v1/campaigns?limit=1')).body;
    expect(list.items.map((c: any) => c.id)).toEqual([b.id]);
    const next = (await t.call('GET', `/v1/campaigns?limit=1&cursor=${list.nextCursor}`)).body;
    expect(next.items.map((c: any) => c.id)).toEqual([a.id]);
  });
});
