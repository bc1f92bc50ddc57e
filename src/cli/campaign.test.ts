import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  people,
  recipientsCsv,
  startCampaignApp,
  type CampaignTestApp,
} from '../api/routes/campaigns-test-kit.js';
import type { CampaignDeps } from '../campaigns/campaign-deps.js';
import { CampaignRunner } from '../campaigns/runner/campaign-runner.js';
import { TemplateResolver } from '../api/template-resolver.js';
import { campaignCommand, type CampaignCliIo } from './campaign.js';

let t: CampaignTestApp;
let url: string;
let dir: string;
const keyOf = (headers: { authorization: string }) => headers.authorization.replace(/^Bearer /, '');

beforeAll(async () => {
  t = await startCampaignApp();
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'todoke-cli-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `todoke campaign …` in process as the operator with `key`; resolves what it printed. */
async function run(key: string, args: string[], answers: boolean[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CampaignCliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: { TODOKE_API_KEY: key, TODOKE_URL: url },
    isTTY: false,
    confirm: async () => answers.shift() ?? false,
    sleep: async () => {},
  };
  const command = campaignCommand(io).exitOverride();
  await command.parseAsync(args, { from: 'user' });
  return { out: out.join('\n'), err: err.join('') };
}

describe('todoke campaign', () => {
  it('creates, is approved by a second operator, starts, and exports the results', async () => {
    const csv = join(dir, '11月未払い.csv');
    writeFileSync(csv, recipientsCsv(people(4)));
    const exclude = join(dir, 'paid.csv');
    writeFileSync(exclude, '顧客ID\nC-4\n');
    const preparer = keyOf(t.auth);
    const approver = keyOf(t.approver);

    const created = await run(preparer, [
      'create',
      '--csv',
      csv,
      '--template',
      'reminder',
      '--route',
      'line-then-sms',
      '--purpose',
      'usage_alert',
      '--throttle',
      '60000',
      '--exclude',
      exclude,
    ]);
    const id = /created: (\S+)/.exec(created.out)![1]!;
    expect(created.out).toContain('取り込み / imported: 4 / 4 行');
    expect(created.out).toContain('除外: 除外リスト (exclusion_list)  1 件');
    expect(created.out).toContain('送信対象    3 / 4 件');
    expect(created.out).toContain('承認待ち');
    expect(created.err).toContain('100%');

    // The preparer cannot approve their own campaign.
    await expect(run(preparer, ['approve', id, '--yes'])).rejects.toThrow(/another operator/);
    // A second operator reviews it and says no, then yes.
    expect((await run(approver, ['approve', id], [false])).out).toContain('承認しませんでした');
    const approved = await run(approver, ['approve', id], [true]);
    expect(approved.out).toContain('11月未払い.csv');
    expect(approved.out).toContain('承認済み (approved)');

    expect((await run(preparer, ['start', id])).out).toContain('scheduled');
    const deps: CampaignDeps = {
      store: t.store,
      config: t.deps.config,
      clock: t.clock,
      newId: t.deps.newId,
      templates: new TemplateResolver(t.store),
    };
    await new CampaignRunner(deps, 'cli-test').round();
    expect((await run(preparer, ['pause', id])).out).toContain('paused');
    expect((await run(preparer, ['resume', id])).out).toContain('running');
    const status = await run(preparer, ['status', id]);
    expect(status.out).toContain('作成 3 / 4');

    const out = join(dir, 'results.csv');
    await run(preparer, ['export', id, '--out', out, '--encoding', 'shift_jis']);
    const rows: string[][] = parse(new TextDecoder('shift_jis').decode(readFileSync(out)));
    expect(rows.slice(1).map((r) => [r[1], r[4]])).toEqual([
      ['C-1', 'accepted'],
      ['C-2', 'accepted'],
      ['C-3', 'accepted'],
      ['C-4', 'excluded'],
    ]);

    expect((await run(preparer, ['cancel', id])).out).toContain('canceled');
    const watched = await run(preparer, ['status', id, '--watch', '--interval', '1']);
    expect(watched.out).toContain('中止 (canceled)');
  });

  it('explains a refused file with its row problems', async () => {
    const csv = join(dir, 'no-phone.csv');
    writeFileSync(csv, '氏名,金額\n山田,100\n');
    const attempt = run(keyOf(t.auth), [
      'create',
      '--csv',
      csv,
      '--template',
      'reminder',
      '--route',
      'sms-only',
      '--purpose',
      'usage_alert',
    ]);
    await expect(attempt).rejects.toThrow(/列の割り当て|mapping/);
  });

  it('needs an API key', async () => {
    await expect(run('', ['status', 'x'])).rejects.toThrow(/TODOKE_API_KEY/);
  });
});
