import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCampaignApp, type CampaignTestApp } from './campaigns-test-kit.js';

let t: CampaignTestApp;
beforeEach(async () => {
  t = await startCampaignApp();
});
afterEach(() => t.close());

const sjis = (text: string) => iconv.encode(text, 'cp932');

/** A customer export as Excel saves it: Shift_JIS, CRLF, Japanese headers. */
const EXPORT = [
  '会員番号,氏名,携帯番号,メールアドレス,年齢,都道府県,プラン',
  'M001,山田 太郎,090-1234-5678,taro@example.jp,35,東京都,ゴールド',
  'M002,髙橋 美咲,080-0000-000,,28,大阪府,ベーシック',
  'M003,佐藤 花子,０７０１２３４５６７８,,42,北海道,',
  'M004,鈴木 一郎,03-1234-5678,,61,東京都,ゴールド',
  ',名無し,,nokey@example.jp,50,京都府,',
  'M001,山田 太郎,090-1234-5678,,36,,',
  '',
].join('\r\n');

describe('POST /v1/contacts/import', () => {
  it('upserts contacts from a Shift_JIS CSV, reporting the bad rows and keeping the good ones', async () => {
    const res = await t.upload('/v1/contacts/import?fileName=customers.csv', sjis(EXPORT));
    expect(res.status).toBe(200);
    expect(res.body.import).toMatchObject({
      fileName: 'customers.csv',
      rows: 6,
      created: 3,
      updated: 1,
      unchanged: 0,
      rejected: 2,
      encoding: 'cp932',
      headers: ['会員番号', '氏名', '携帯番号', 'メールアドレス', '年齢', '都道府県', 'プラン'],
      mapping: {
        会員番号: 'externalId',
        氏名: 'name',
        携帯番号: 'phone',
        メールアドレス: 'email',
        年齢: { variable: '年齢' },
      },
      problemsByCode: { invalid_phone: 1, not_sms_capable: 1, missing_contact_key: 1 },
    });
    expect(res.body.problems.map((p: any) => [p.rowNumber, p.column, p.code, p.severity])).toEqual([
      [3, '携帯番号', 'invalid_phone', 'error'],
      [5, '携帯番号', 'not_sms_capable', 'warning'],
      [6, null, 'missing_contact_key', 'error'],
    ]);
    const noKey = res.body.problems[2];
    expect(noKey.messageJa).toMatch(/顧客ID/);
    expect(noKey.messageEn).toMatch(/customer ID/);

    const all = (await t.call('GET', '/v1/contacts')).body.items;
    expect(all.map((c: any) => c.externalId)).toEqual(['M001', 'M003', 'M004']);
    // Row 7 repeats M001 with a new age and empty cells: the age changes, the rest is kept.
    expect(all[0]).toMatchObject({
      name: '山田 太郎',
      phone: '+819012345678',
      email: 'taro@example.jp',
      attributes: { 年齢: '36', 都道府県: '東京都', プラン: 'ゴールド' },
      version: 1,
    });
    expect(all[1]).toMatchObject({ phone: '+817012345678', attributes: { 年齢: '42', 都道府県: '北海道' } });
    expect(all[2]).toMatchObject({ phone: '+81312345678' });

    const report = await t.app.inject({
      method: 'GET',
      url: `/v1/contacts/imports/${res.body.import.importId}/problems`,
      headers: t.auth,
    });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/text\/csv/);
    const lines: string[][] = parse(report.body.replace(/^\uFEFF/, ''));
    expect(lines[0]).toEqual([
      '行番号 (row)',
      '列 (column)',
      'コード (code)',
      '種別 (severity)',
      '内容',
      'message',
      '値 (value)',
    ]);
    expect(lines.slice(1).map((l) => [l[0], l[2]])).toEqual([
      ['3', 'invalid_phone'],
      ['5', 'not_sms_capable'],
      ['6', 'missing_contact_key'],
    ]);
  });

  it('imports the same file again without changing anything, and takes a mapping of its own', async () => {
    const csv = 'customer id,mobile,plan name,points\r\nA1,09011112222,gold,10\r\nA2,09011113333,basic,3\r\n';
    const first = (await t.upload('/v1/contacts/import', csv)).body.import;
    expect(first).toMatchObject({ created: 2, mapping: { 'plan name': { variable: 'planName' } } });
    const again = (await t.upload('/v1/contacts/import', csv)).body.import;
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });

    const mapping = encodeURIComponent(
      JSON.stringify({ 'customer id': 'externalId', mobile: 'phone', points: { variable: 'pt' } }),
    );
    const remapped = (await t.upload(`/v1/contacts/import?mapping=${mapping}`, csv)).body.import;
    expect(remapped).toMatchObject({
      updated: 2,
      mapping: { 'plan name': 'ignore', points: { variable: 'pt' } },
    });
    const [a1] = (await t.call('GET', '/v1/contacts?externalId=A1')).body.items;
    expect(a1.attributes).toEqual({ planName: 'gold', points: '10', pt: '10' });

    const bad = await t.upload(`/v1/contacts/import?mapping=${encodeURIComponent('{"x":')}`, csv);
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('validation_failed');
  });

  it('answers 422 import_failed for a file it cannot read, and 415 for a body that is not a file', async () => {
    const noAddress = await t.upload('/v1/contacts/import', '会員番号,年齢\r\nM1,30\r\n');
    expect(noAddress.status).toBe(422);
    expect(noAddress.body).toMatchObject({
      code: 'import_failed',
      fileProblem: { code: 'invalid_mapping' },
      problems: [{ code: 'no_address_column' }],
    });
    const json = await t.call('POST', '/v1/contacts/import', { not: 'a file' });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('unsupported_media_type');
  });
});
