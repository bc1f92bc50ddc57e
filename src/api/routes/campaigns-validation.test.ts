import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignDeps } from '../../campaigns/campaign-deps.js';
import { CampaignRunner } from '../../campaigns/runner/campaign-runner.js';
import { phoneHmac } from '../../core/phone.js';
import { TemplateResolver } from '../template-resolver.js';
import { people, recipientsCsv, startCampaignApp, type CampaignTestApp } from './campaigns-test-kit.js';

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

const e164 = (domestic: string) => `+81${domestic.slice(1)}`;

/** A campaign taken through approval and started, its messages created by one runner round. */
async function sentCampaign(list: ReturnType<typeof people>) {
  const c = await t.createCampaign({ options: { throttlePerMinute: 60_000 } });
  await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(list));
  await t.call('POST', `/v1/campaigns/${c.id}/validate`, {});
  await t.call('POST', `/v1/campaigns/${c.id}/request-approval`, {});
  await t.call('POST', `/v1/campaigns/${c.id}/approve`, {}, t.approver);
  await t.call('POST', `/v1/campaigns/${c.id}/start`, {});
  await new CampaignRunner(deps, 'runner-test', { roundMs: 1_000 }).round();
  return c;
}

describe('validation: exclusions and the estimate', () => {
  it('counts each exclusion by reason: exclusion lists, opt-outs, recipients of an earlier campaign', async () => {
    const list = people(10);
    // An earlier campaign reached person 5 (delivered) and tried person 6 (failed): only 5 counts as received.
    const earlier = await sentCampaign([list[4]!, list[5]!]);
    const earlierRecipients = await t.store.campaigns.listRecipients(
      (await t.store.campaigns.get(earlier.id))!.importId!,
      { limit: 10 },
    );
    expect(earlierRecipients.map((r) => r.state)).toEqual(['materialized', 'materialized']);
    for (const [r, status] of [
      [earlierRecipients[0]!, 'delivered'],
      [earlierRecipients[1]!, 'failed'],
    ] as const) {
      const m = (await t.store.getMessage(r.messageId!))!;
      await t.store.commit({ message: { id: m.id, expectVersion: m.version, patch: { status } } });
    }

    const c = await t.createCampaign({ exclusions: { recipientsOf: [earlier.id] } });
    await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(list));
    // Already paid: person 2 by phone, person 3 by customer ID.
    const paid = await t.upload(
      `/v1/campaigns/${c.id}/exclusion-lists?name=${encodeURIComponent('入金済み')}`,
      `電話番号,顧客ID\r\n${list[1]!.phone},\r\n,C-3\r\nnot-a-number,\r\n`,
    );
    expect(paid.status).toBe(201);
    expect(paid.body.list).toMatchObject({ name: '入金済み', phones: 1, externalIds: 1, invalidPhones: 1 });
    // Person 4 opted out of everything.
    const optOut = await t.call('POST', '/v1/suppressions', { phone: list[3]!.phone, purposeClass: 'all' });
    expect(optOut.status).toBeLessThan(300);
    // LINE said 422 for person 7 last week: the estimate starts them at SMS.
    await t.store.commit({
      reachability: [
        {
          phoneHmac: phoneHmac(t.deps.config.secret, e164(list[6]!.phone)),
          channel: 'line_pnp',
          outcome: 'unreachable',
          code: '422',
          at: t.clock.now() - 86_400_000,
        },
      ],
    });

    const v = await t.call('POST', `/v1/campaigns/${c.id}/validate`, {});
    expect(v.status).toBe(200);
    expect(v.body.report).toMatchObject({
      recipients: 10,
      sendable: 6,
      excluded: { exclusion_list: 2, suppressed: 1, already_received: 1 },
      estimate: {
        byFirstStep: [
          { step: 0, channel: 'line_pnp', recipients: 5 },
          { step: 1, channel: 'sms', recipients: 1 },
        ],
        // 5 by LINE at 3 yen, 1 SMS of one part at 8 yen; everyone by SMS: 6 × 8.
        expectedYen: 23,
        smsOnlyYen: 48,
        savingYen: 25,
      },
    });
    const excluded = (await t.call('GET', `/v1/campaigns/${c.id}/recipients?state=excluded`)).body.items;
    expect(excluded.map((r: any) => [r.rowNumber, r.reason])).toEqual([
      [3, 'exclusion_list'],
      [4, 'exclusion_list'],
      [5, 'suppressed'],
      [6, 'already_received'],
    ]);
    const progress = (await t.call('GET', `/v1/campaigns/${c.id}`)).body.progress;
    expect(progress.recipients).toMatchObject({ total: 10, byState: { pending: 6, excluded: 4 } });
  });

  it('validates again from scratch after reopening: an exclusion removed is a recipient back', async () => {
    const list = people(3);
    const c = await t.createCampaign();
    await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(list));
    const withList = await t.upload(`/v1/campaigns/${c.id}/exclusion-lists`, `顧客ID\r\nC-1\r\n`);
    let v = (await t.call('POST', `/v1/campaigns/${c.id}/validate`, {})).body;
    expect(v.report).toMatchObject({ sendable: 2, excluded: { exclusion_list: 1 } });
    await t.call('POST', `/v1/campaigns/${c.id}/reopen`, {});
    const edited = await t.call('PATCH', `/v1/campaigns/${c.id}`, { exclusions: { listIds: [] } });
    expect(edited.body.exclusions.listIds).toEqual([]);
    expect(withList.body.campaign.exclusions.listIds).toHaveLength(1);
    v = (await t.call('POST', `/v1/campaigns/${c.id}/validate`, {})).body;
    expect(v.report).toMatchObject({ sendable: 3, excluded: {} });
  });

  it('excludes recipients whose message cannot be prepared, with the API’s reason', async () => {
    const yen = await t.call('POST', '/v1/templates', {
      name: 'yen-reminder',
      channels: {
        line_pnp: { text: '{{ name }}様 {{ amount | yen }}' },
        sms: { text: '{{ amount | yen }}' },
      },
    });
    expect(yen.status).toBe(201);
    const c = await t.createCampaign({ template: 'yen-reminder' });
    const csv = `電話番号,氏名,金額\r\n09010000001,山田,1200\r\n09010000002,佐藤,あとで確認\r\n`;
    expect((await t.upload(`/v1/campaigns/${c.id}/recipients`, csv)).status).toBe(200);
    const v = (await t.call('POST', `/v1/campaigns/${c.id}/validate`, {})).body;
    expect(v.report).toMatchObject({ recipients: 2, sendable: 1, excluded: { invalid_variable: 1 } });
  });

  it('refuses an upload whose mapping leaves a template variable without a column', async () => {
    const c = await t.createCampaign();
    await t.call('PUT', `/v1/campaigns/${c.id}/mapping`, {
      mapping: { 電話番号: 'phone', 氏名: 'name', 金額: 'ignore', 顧客ID: 'externalId' },
    });
    const up = await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(people(2)));
    expect(up.status).toBe(422);
    expect(up.body).toMatchObject({ code: 'import_failed', fileProblem: { code: 'invalid_mapping' } });
    expect(up.body.problems.map((p: any) => p.code)).toContain('unmapped_variable');
    const ask = await t.call('POST', `/v1/campaigns/${c.id}/validate`, {});
    expect(ask.body.code).toBe('no_recipients');
  });

  it('warns the approver when another campaign holds the very same file', async () => {
    const csv = recipientsCsv(people(2));
    const first = await t.createCampaign();
    await t.upload(`/v1/campaigns/${first.id}/recipients`, csv);
    const second = await t.createCampaign();
    await t.upload(`/v1/campaigns/${second.id}/recipients`, csv);
    const v = (await t.call('POST', `/v1/campaigns/${second.id}/validate`, {})).body;
    expect(v.report.sameFileAs).toEqual([first.id]);
    await t.call('POST', `/v1/campaigns/${first.id}/cancel`, {});
    await t.call('POST', `/v1/campaigns/${second.id}/reopen`, {});
    const again = (await t.call('POST', `/v1/campaigns/${second.id}/validate`, {})).body;
    expect(again.report.sameFileAs).toEqual([]);
  });

  it('keeps exclusion lists to use in later campaigns', async () => {
    const list = await t.upload('/v1/campaigns/exclusion-lists?name=paid', '携帯番号\n090-1000-0001\n');
    expect(list.status).toBe(201);
    expect(list.body).toMatchObject({ name: 'paid', phones: 1, externalIds: 0 });
    const all = (await t.call('GET', '/v1/campaigns/exclusion-lists')).body.items;
    expect(all.map((l: any) => l.id)).toEqual([list.body.id]);
    const c = await t.createCampaign({ exclusions: { listIds: [list.body.id] } });
    await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(people(2)));
    const v = (await t.call('POST', `/v1/campaigns/${c.id}/validate`, {})).body;
    expect(v.report).toMatchObject({ sendable: 1, excluded: { exclusion_list: 1 } });
    const missing = await t.call('POST', '/v1/campaigns', {
      name: 'x',
      template: 'reminder',
      route: 'sms-only',
      purpose: 'usage_alert',
      exclusions: { listIds: ['nope'] },
    });
    expect(missing.body.code).toBe('exclusion_list_not_found');
    const notCsv = await t.upload('/v1/campaigns/exclusion-lists', '氏名\n山田\n');
    expect(notCsv.body.code).toBe('invalid_csv');
  });
});
