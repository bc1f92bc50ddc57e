import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaignApp, type CampaignTestApp } from '../api/routes/campaigns-test-kit.js';
import { campaignCommand, type CampaignCliIo } from './campaign.js';
import { contactsCommand } from './contacts.js';
import { segmentsCommand } from './segments.js';

let t: CampaignTestApp;
let url: string;
let dir: string;
const keyOf = (headers: { authorization: string }) => headers.authorization.replace(/^Bearer /, '');

beforeAll(async () => {
  t = await startCampaignApp();
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'todoke-cli-contacts-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `todoke <group> …` in process as the operator with `key`; resolves what it printed. */
async function run(make: (io: CampaignCliIo) => Command, key: string, args: string[]) {
  const out: string[] = [];
  const io: CampaignCliIo = {
    out: (text) => out.push(text),
    err: () => {},
    env: { TODOKE_API_KEY: key, TODOKE_URL: url },
    isTTY: false,
    confirm: async () => true,
    sleep: async () => {},
  };
  await make(io).exitOverride().parseAsync(args, { from: 'user' });
  return out.join('\n');
}

describe('todoke contacts, todoke segments, todoke campaign create --segment', () => {
  it('imports contacts, saves and previews a segment, and creates a campaign from it', async () => {
    const preparer = keyOf(t.auth);
    const csv = join(dir, '顧客.csv');
    writeFileSync(
      csv,
      iconv.encode(
        [
          '会員番号,氏名,携帯番号,金額,状態',
          'M1,山田,090-5000-0001,1200,未払い',
          'M2,佐藤,090-5000-0002,800,入金済み',
          'M3,鈴木,090-5000-00,500,未払い',
          'M4,高橋,090-5000-0004,3000,未払い',
        ].join('\r\n'),
        'cp932',
      ),
    );
    const imported = await run(contactsCommand, preparer, ['import', '--csv', csv]);
    expect(imported).toContain('取り込み / imported: 4 行 — 新規 3, 更新 0, 変更なし 0, 取り込めず 1');
    expect(imported).toContain('4行目 [携帯番号]: 電話番号として読めません。');
    const importId = /todoke contacts problems (\S+)/.exec(imported)![1]!;
    const report = join(dir, 'problems.csv');
    await run(contactsCommand, preparer, ['problems', importId, '--out', report]);
    expect(readFileSync(report, 'utf8')).toContain('invalid_phone');

    const listed = await run(contactsCommand, preparer, ['list']);
    expect(listed.split('\n').map((l) => l.split(/\s+/)[1])).toEqual(['M1', 'M2', 'M4']);
    expect(await run(contactsCommand, preparer, ['list', '--phone', '09050000004', '--json'])).toContain(
      '"externalId":"M4"',
    );

    const filter = join(dir, 'unpaid.json');
    writeFileSync(filter, JSON.stringify({ all: [{ attribute: '状態', op: 'eq', value: '未払い' }] }));
    const created = await run(segmentsCommand, preparer, [
      'create',
      '--name',
      '未払い',
      '--filter',
      `@${filter}`,
    ]);
    expect(created).toMatch(/created: \S+ {2}未払い/);
    // 金額 is read as the variable `amount`, as for a campaign list.
    const inline = await run(segmentsCommand, preparer, [
      'create',
      '--name',
      'big',
      '--filter',
      '{"all":[{"attribute":"amount","op":"gte","value":1000}]}',
    ]);
    expect(inline).toContain('big');
    expect((await run(segmentsCommand, preparer, ['list'])).split('\n')).toHaveLength(2);
    const preview = await run(segmentsCommand, preparer, ['preview', 'big']);
    expect(preview).toContain('big: 2 件');
    expect(preview).toContain('M4');
    await expect(
      run(segmentsCommand, preparer, [
        'create',
        '--name',
        'bad',
        '--filter',
        '{"all":[{"attribute":"a","op":"gt"}]}',
      ]),
    ).rejects.toThrow(/filter is not valid/);

    const campaign = await run(campaignCommand, preparer, [
      'create',
      '--segment',
      '未払い',
      '--template',
      'reminder',
      '--route',
      'line-then-sms',
      '--purpose',
      'usage_alert',
    ]);
    expect(campaign).toContain('取り込み / imported: 2 / 2 行');
    expect(campaign).toContain('segment:未払い');
    expect(campaign).toContain('承認待ち');
    const id = /created: (\S+)/.exec(campaign)![1]!;
    expect((await t.store.campaigns.get(id))!.imported?.source).toMatchObject({
      kind: 'segment',
      contacts: 2,
    });

    await expect(
      run(campaignCommand, preparer, ['create', '--template', 'reminder', '--route', 'sms-only']),
    ).rejects.toThrow(/--csv か --segment/);
  });
});
