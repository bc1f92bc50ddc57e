import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignDeps } from '../../campaigns/campaign-deps.js';
import { RESULT_COLUMNS } from '../../campaigns/results-csv.js';
import { CampaignRunner } from '../../campaigns/runner/campaign-runner.js';
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

async function download(url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: t.auth });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload };
}

describe('recipient uploads are all or nothing', () => {
  it('keeps the earlier list when a later file breaks part way', async () => {
    const c = await t.createCampaign();
    const first = await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(people(2)));
    expect(first.status).toBe(200);
    const before = (await t.store.campaigns.get(c.id))!;

    // 4,000 good rows, then a quote that never closes.
    const broken = `${recipientsCsv(people(4_000, 100))}\r\n09019999999,"山田,1000,C-x\r\n09019999998,佐藤,1,C-y\r\n`;
    const res = await t.upload(`/v1/campaigns/${c.id}/recipients`, broken);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'import_failed', fileProblem: { code: 'malformed_quotes' } });

    const after = (await t.store.campaigns.get(c.id))!;
    expect(after.importId).toBe(before.importId);
    expect(after.imported).toEqual(before.imported);
    expect(after.stagingImportId).not.toBeNull();
    expect(await t.store.campaigns.listRecipients(after.stagingImportId!, { limit: 1 })).toEqual([]);
    const listed = (await t.call('GET', `/v1/campaigns/${c.id}/recipients`)).body.items;
    expect(listed.map((r: any) => r.externalId)).toEqual(['C-1', 'C-2']);
  });

  it('keeps the earlier list when a later file breaks after a batch reached the store', async () => {
    const c = await t.createCampaign();
    const first = await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(people(2)));
    expect(first.status).toBe(200);
    const before = (await t.store.campaigns.get(c.id))!;

    // 6,000 good rows (a batch of them reaches the store), then a quote that never closes.
    const written: number[] = [];
    const addRecipients = t.store.campaigns.addRecipients.bind(t.store.campaigns);
    t.store.campaigns.addRecipients = (rows) => {
      written.push(rows.length);
      return addRecipients(rows);
    };
    const broken = `${recipientsCsv(people(6_000, 100))}\r\n09019999999,"山田,1000,C-x\r\n09019999998,佐藤,1,C-y\r\n`;
    const res = await t.upload(`/v1/campaigns/${c.id}/recipients`, broken);
    expect(written[0]).toBe(5_000);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'import_failed', fileProblem: { code: 'malformed_quotes' } });

    const after = (await t.store.campaigns.get(c.id))!;
    expect(after.importId).toBe(before.importId);
    expect(after.imported).toEqual(before.imported);
    expect(after.stagingImportId).not.toBeNull();
    expect(await t.store.campaigns.listRecipients(after.stagingImportId!, { limit: 1 })).toEqual([]);
    const listed = (await t.call('GET', `/v1/campaigns/${c.id}/recipients`)).body.items;
    expect(listed.map((r: any) => r.externalId)).toEqual(['C-1', 'C-2']);
  });

  it('replaces the list whole with a new upload', async () => {
    const c = await t.createCampaign();
    await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(people(3)));
    const second = await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(people(2, 50)));
    expect(second.body.campaign.imported.recipients).toBe(2);
    const listed = (await t.call('GET', `/v1/campaigns/${c.id}/recipients`)).body.items;
    expect(listed.map((r: any) => r.externalId)).toEqual(['C-50', 'C-51']);
  });

  it('reads Shift_JIS files as Excel saves them', async () => {
    const c = await t.createCampaign();
    const bytes = iconv.encode(
      recipientsCsv([{ phone: '090-1234-5678', name: '髙橋', amount: 500, id: 'C-9' }]),
      'cp932',
    );
    const res = await t.upload(`/v1/campaigns/${c.id}/recipients`, bytes);
    expect(res.status).toBe(200);
    expect(res.body.import.encoding).not.toBe('utf-8');
    const [r] = (await t.call('GET', `/v1/campaigns/${c.id}/recipients`)).body.items;
    expect(r).toMatchObject({ phone: '+819012345678', name: '髙橋', variables: { amount: '500' } });
  });
});

describe('mapping suggestion and confirmation', () => {
  it('suggests from the header row, and the next upload uses the confirmed mapping', async () => {
    const c = await t.createCampaign();
    const sample = '携帯番号,お名前,ご請求額,備考\r\n09012345678,山田,1200,至急\r\n';
    const suggestion = await t.upload(`/v1/campaigns/${c.id}/mapping-suggestion`, sample);
    expect(suggestion.status).toBe(200);
    expect(suggestion.body).toMatchObject({
      headers: ['携帯番号', 'お名前', 'ご請求額', '備考'],
      suggested: {
        携帯番号: 'phone',
        お名前: 'name',
        ご請求額: { variable: 'amount' },
        備考: { variable: '備考' },
      },
      confirmed: null,
    });
    const confirmed = await t.call('PUT', `/v1/campaigns/${c.id}/mapping`, {
      mapping: { 携帯番号: 'phone', お名前: 'name', ご請求額: { variable: 'amount' }, 備考: 'ignore' },
    });
    expect(confirmed.body.mapping).toMatchObject({ 備考: 'ignore' });
    const up = await t.upload(`/v1/campaigns/${c.id}/recipients`, sample);
    expect(up.status).toBe(200);
    const [r] = (await t.call('GET', `/v1/campaigns/${c.id}/recipients`)).body.items;
    expect(r.variables).toEqual({ amount: '1200' });
  });

  it('drops the uploaded list when the mapping changes, so a list always matches the mapping shown', async () => {
    const c = await t.createCampaign();
    await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(people(2)));
    const remapped = await t.call('PUT', `/v1/campaigns/${c.id}/mapping`, {
      mapping: { 電話番号: 'phone', 氏名: 'name', 金額: { variable: 'amount' } },
    });
    expect(remapped.body).toMatchObject({ imported: null });
    expect((await t.call('POST', `/v1/campaigns/${c.id}/validate`, {})).body.code).toBe('no_recipients');
  });
});

describe('downloads', () => {
  it('gives the row problems as CSV', async () => {
    const c = await t.createCampaign();
    const csv = `${recipientsCsv(people(1))}\r\n03-1234-5678,会社,1,C-x\r\nabc,誰か,1,C-y\r\n`;
    const up = await t.upload(`/v1/campaigns/${c.id}/recipients`, csv);
    expect(up.body.import).toMatchObject({ accepted: 1, rejected: 2 });
    const res = await download(`/v1/campaigns/${c.id}/problems`);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows: string[][] = parse(res.bytes.toString('utf8'), { bom: true });
    expect(rows.slice(1).map((r) => [r[0], r[2]])).toEqual([
      ['3', 'not_sms_capable'],
      ['4', 'invalid_phone'],
    ]);
  });

  it('exports every recipient with its outcome, in UTF-8 with BOM or Shift_JIS, and the CSV parses back', async () => {
    const list = [...people(3), { phone: '09012340000', name: '=1+2', amount: 1, id: '@C-4' }];
    const c = await t.createCampaign({ options: { throttlePerMinute: 60_000 } });
    await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(list));
    await t.upload(`/v1/campaigns/${c.id}/exclusion-lists`, `顧客ID\r\nC-2\r\n`);
    await t.call('POST', `/v1/campaigns/${c.id}/validate`, {});
    await t.call('POST', `/v1/campaigns/${c.id}/request-approval`, {});
    await t.call('POST', `/v1/campaigns/${c.id}/approve`, {}, t.approver);
    await t.call('POST', `/v1/campaigns/${c.id}/start`, {});
    await new CampaignRunner(deps, 'runner-test').round();

    // Person 1 was reached by SMS after LINE: two attempts, 8 yen.
    const [r1] = await t.store.campaigns.listRecipients((await t.store.campaigns.get(c.id))!.importId!, {
      limit: 1,
    });
    const m = (await t.store.getMessage(r1!.messageId!))!;
    await t.store.commit({
      message: {
        id: m.id,
        expectVersion: m.version,
        patch: { status: 'delivered', deliveredVia: 'sms', deliveredAt: t.clock.now() },
      },
      newAttempts: [
        { ...attempt(m.id, 'a1'), channel: 'line_pnp', status: 'unconfirmed' },
        { ...attempt(m.id, 'a2'), stepIndex: 1, channel: 'sms', status: 'delivered', units: 1, cost: 8 },
      ],
    });

    const utf8 = await download(`/v1/campaigns/${c.id}/export`);
    expect(utf8.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(utf8.headers['content-disposition']).toContain(`campaign-${c.id}-results.csv`);
    expect([...utf8.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(utf8.bytes.toString('utf8'), { bom: true });
    expect(rows[0]).toEqual(RESULT_COLUMNS);
    expect(rows.slice(1).map((r) => r.slice(0, 9))).toEqual([
      ['2', 'C-1', '+819010000001', '顧客1', 'delivered', '', 'sms', '2', '8'],
      ['3', 'C-2', '+819010000002', '顧客2', 'excluded', 'exclusion_list', '', '0', ''],
      ['4', 'C-3', '+819010000003', '顧客3', 'accepted', '', '', '0', ''],
      ['5', "'@C-4", '+819012340000', "'=1+2", 'accepted', '', '', '0', ''],
    ]);
    expect(rows[1]![9]).toBe(new Date(t.clock.now()).toISOString());

    const sjis = await download(`/v1/campaigns/${c.id}/export?encoding=shift_jis`);
    expect(sjis.headers['content-type']).toBe('text/csv; charset=shift_jis');
    const decoded: string[][] = parse(iconv.decode(sjis.bytes, 'cp932'));
    expect(decoded).toEqual(rows);
  });
});

function attempt(messageId: string, id: string) {
  return {
    id: `${messageId}-${id}`,
    messageId,
    stepIndex: 0,
    channel: 'line_pnp' as const,
    account: 'line-main',
    provider: 'line',
    status: 'accepted' as const,
    providerMessageId: null,
    errorClass: null,
    errorCode: null,
    errorDetail: null,
    units: null,
    cost: null,
    createdAt: 0,
    updatedAt: 0,
    receiptDeadline: null,
  };
}
