import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { ApiProblem, CampaignClient } from './campaign-client.js';
import { formatCampaign, formatProgress, statusLabel, type CampaignJson } from './campaign-format.js';

/** Where the campaign commands talk to the operator; tests pass their own. */
export interface CampaignCliIo {
  out(text: string): void;
  /** Progress and notes (stderr). */
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Progress lines are redrawn in place on a terminal, printed every 10% otherwise. */
  isTTY: boolean;
  /** Asks yes/no; absent: no one to ask (then --yes is needed). */
  confirm?: (question: string) => Promise<boolean>;
  /** Wait between status polls. */
  sleep?: (ms: number) => Promise<void>;
}

export function processIo(): CampaignCliIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
    ...(process.stdin.isTTY
      ? {
          async confirm(question: string) {
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return /^(y|yes|はい)$/i.test((await rl.question(`${question} [y/N] `)).trim());
            } finally {
              rl.close();
            }
          },
        }
      : {}),
  };
}

const FINAL = ['completed', 'canceled'];

/** Shows bytes sent as a percentage: redrawn on a terminal, every 10% in a log. */
function uploadProgress(io: CampaignCliIo, label: string) {
  let lastTenth = -1;
  return (sent: number, total: number) => {
    const pctDone = total === 0 ? 100 : Math.floor((sent / total) * 100);
    const mb = (b: number) => (b / 1_048_576).toFixed(1);
    const line = `${label} ${pctDone}% (${mb(sent)} / ${mb(total)} MB)`;
    if (io.isTTY) io.err(`\r${line}${sent === total ? '\n' : ''}`);
    else if (Math.floor(pctDone / 10) > lastTenth) {
      lastTenth = Math.floor(pctDone / 10);
      io.err(`${line}\n`);
    }
  };
}

/** `todoke campaign …`: bulk sends from a CSV through the HTTP API, with the operator's API key. */
export function campaignCommand(io: CampaignCliIo = processIo()): Command {
  const campaign = new Command('campaign')
    .description(
      '一括送信キャンペーン / bulk campaigns from a CSV or a segment: create, approve, start, pause, resume, cancel, status, export',
    )
    .option('--url <url>', 'todoke API URL (env TODOKE_URL, default http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key: it identifies you as the operator (env TODOKE_API_KEY)');

  function client(cmd: Command): CampaignClient {
    const opts = cmd.optsWithGlobals<{ url?: string; apiKey?: string }>();
    const key = opts.apiKey ?? io.env.TODOKE_API_KEY;
    if (!key) {
      throw new Error(
        'API キーが必要です: --api-key か TODOKE_API_KEY / An API key is needed: --api-key or TODOKE_API_KEY',
      );
    }
    const url = (opts.url ?? io.env.TODOKE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    return new CampaignClient(url, key);
  }

  const get = (api: CampaignClient, id: string) =>
    api.json<CampaignJson>('GET', `/v1/campaigns/${encodeURIComponent(id)}`);
  const act = (api: CampaignClient, id: string, action: string, body: object = {}) =>
    api.json<CampaignJson>('POST', `/v1/campaigns/${encodeURIComponent(id)}/${action}`, body);

  campaign
    .command('create')
    .description('create a campaign from a CSV or a segment, validate it, and ask for approval')
    .option('--csv <file>', 'recipients CSV (UTF-8 or Shift_JIS, with a header row)')
    .option('--segment <idOrName>', 'instead of --csv: the contacts of this segment (todoke segments list)')
    .requiredOption('--template <name>', 'template name (its latest version is pinned)')
    .requiredOption('--route <name>', 'configured route name, e.g. line-then-sms')
    .option('--purpose <purpose>', 'purpose of the messages', 'payment_reminder')
    .option('--name <name>', 'campaign name (default: the file or segment name)')
    .option('--throttle <perMinute>', 'messages created per minute', (v) => Number.parseInt(v, 10))
    .option(
      '--start-at <time>',
      'not before this time, ISO 8601 with offset (e.g. 2026-12-01T09:00:00+09:00)',
    )
    .option('--expires-at <time>', 'give up at this time, ISO 8601 with offset')
    .option('--window <HH:MM-HH:MM>', "hours (Japan time) to send in; default the purpose's window")
    .option('--encoding <encoding>', 'for files without a BOM: auto, utf-8 or cp932', 'auto')
    .option('--exclude <file...>', 'exclusion list CSV(s): phones and/or customer IDs to leave out')
    .option('--exclude-campaign <id...>', 'leave out whoever a previous campaign reached')
    .option('--no-request-approval', 'stop after validation, without asking for approval')
    .action(async (options, cmd: Command) => {
      const api = client(cmd);
      if ((options.csv === undefined) === (options.segment === undefined))
        throw new Error('--csv か --segment のどちらか一方を / Give either --csv or --segment');
      const window = options.window as string | undefined;
      const [start, end] = window?.split('-') ?? [];
      if (window !== undefined && (!start || !end))
        throw new Error('--window は HH:MM-HH:MM で / --window must be HH:MM-HH:MM');
      const created = await api.json<CampaignJson>('POST', '/v1/campaigns', {
        name: options.name ?? (options.csv ? basename(options.csv) : `segment:${options.segment}`),
        template: options.template,
        route: options.route,
        purpose: options.purpose,
        options: {
          ...(options.throttle !== undefined ? { throttlePerMinute: options.throttle } : {}),
          ...(options.startAt ? { startAt: options.startAt } : {}),
          ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
          ...(window ? { sendWindow: { start, end } } : {}),
        },
        ...(options.excludeCampaign ? { exclusions: { recipientsOf: options.excludeCampaign } } : {}),
      });
      const id = created.id;
      io.out(`作成しました / created: ${id}`);
      for (const file of (options.exclude as string[] | undefined) ?? []) {
        const res = await api.upload<{
          list: { phones: number; externalIds: number; invalidPhones: number };
        }>(`/v1/campaigns/${id}/exclusion-lists?name=${encodeURIComponent(basename(file))}`, file);
        io.out(
          `除外リスト ${basename(file)}: 電話番号 ${res.list.phones} 件, 顧客ID ${res.list.externalIds} 件` +
            (res.list.invalidPhones > 0 ? ` (読めない番号 ${res.list.invalidPhones} 件)` : ''),
        );
      }
      const query = options.csv
        ? `fileName=${encodeURIComponent(basename(options.csv))}&encoding=${encodeURIComponent(options.encoding)}`
        : '';
      let uploaded: { import: { rows: number; accepted: number; errors: number; warnings: number } };
      try {
        uploaded = options.csv
          ? await api.upload<typeof uploaded>(
              `/v1/campaigns/${id}/recipients?${query}`,
              options.csv,
              uploadProgress(io, 'アップロード中 / uploading'),
            )
          : await api.json<typeof uploaded>('POST', `/v1/campaigns/${id}/recipients/segment`, {
              segmentId: options.segment,
            });
      } catch (error) {
        if (error instanceof ApiProblem && Array.isArray(error.problem.problems)) {
          for (const p of error.problem.problems.slice(0, 10) as { rowNumber: number; messageJa: string }[]) {
            io.out(`  ${p.rowNumber}行目: ${p.messageJa}`);
          }
        }
        throw error;
      }
      const im = uploaded.import;
      io.out(
        `取り込み / imported: ${im.accepted} / ${im.rows} 行 (エラー ${im.errors}, 警告 ${im.warnings})`,
      );
      if (im.errors + im.warnings > 0)
        io.out(`  行ごとの問題 / row problems: todoke campaign problems ${id} --out problems.csv`);
      let c = await act(api, id, 'validate');
      if (options.requestApproval !== false)
        c = await act(api, id, 'request-approval', { version: c.version });
      io.out(formatCampaign(await get(api, id)));
      io.out(
        c.status === 'pending_approval'
          ? `承認待ちです。別の担当者が承認してください / Waiting for approval by another operator: todoke campaign approve ${id}`
          : `検証済み / validated: todoke campaign request-approval ${id}`,
      );
    });

  campaign
    .command('request-approval')
    .argument('<id>')
    .description('ask another operator to approve a validated campaign')
    .action(async (id: string, _o, cmd: Command) => {
      const api = client(cmd);
      const c = await get(api, id);
      io.out(statusLabel((await act(api, id, 'request-approval', { version: c.version })).status));
    });

  campaign
    .command('approve')
    .argument('<id>')
    .description('review and approve a campaign (you must not be the operator who prepared it)')
    .option('--yes', 'approve without asking (the campaign is still shown)')
    .action(async (id: string, options: { yes?: boolean }, cmd: Command) => {
      const api = client(cmd);
      const c = await get(api, id);
      io.out(formatCampaign(c));
      if (!options.yes) {
        if (!io.confirm)
          throw new Error('確認できないため --yes を付けてください / Not interactive: add --yes to approve');
        if (!(await io.confirm('この内容で承認しますか？ / Approve exactly this?'))) {
          io.out('承認しませんでした / not approved');
          return;
        }
      }
      // The version shown above: if anything changed since, the API refuses (campaign_changed).
      const approved = await act(api, id, 'approve', { version: c.version });
      io.out(`${statusLabel(approved.status)}: todoke campaign start ${id}`);
    });

  for (const [action, description] of [
    ['start', 'start an approved campaign (at its start time)'],
    ['pause', 'pause a running campaign: no new messages, unsent ones held'],
    ['resume', 'resume a paused campaign'],
    ['cancel', 'cancel a campaign: messages not yet sent are canceled'],
  ] as const) {
    campaign
      .command(action)
      .argument('<id>')
      .description(description)
      .action(async (id: string, _o, cmd: Command) => {
        io.out(statusLabel((await act(client(cmd), id, action)).status));
      });
  }

  campaign
    .command('status')
    .argument('<id>')
    .description('show a campaign; with --watch, follow its progress until it ends')
    .option('--watch', 'print progress until the campaign is completed or canceled')
    .option('--interval <ms>', 'between updates when watching', (v) => Number.parseInt(v, 10), 2_000)
    .action(async (id: string, options: { watch?: boolean; interval: number }, cmd: Command) => {
      const api = client(cmd);
      let c = await get(api, id);
      io.out(formatCampaign(c));
      if (!options.watch) return;
      const sleep = io.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      while (!FINAL.includes(c.status)) {
        await sleep(options.interval);
        c = await get(api, id);
        if (io.isTTY) io.err(`\r${formatProgress(c)}\u001b[K`);
        else io.err(`${formatProgress(c)}\n`);
      }
      if (io.isTTY) io.err('\n');
      io.out(formatCampaign(c));
    });

  campaign
    .command('list')
    .description('campaigns, newest first')
    .action(async (_o, cmd: Command) => {
      const { items } = await client(cmd).json<{ items: CampaignJson[] }>('GET', '/v1/campaigns?limit=50');
      for (const c of items) io.out(`${c.id}  ${statusLabel(c.status).padEnd(28)}  ${c.name}`);
    });

  const download = async (cmd: Command, path: string, out: string) => {
    await pipeline(await client(cmd).download(path), createWriteStream(out));
    io.out(`保存しました / saved: ${out}`);
  };

  campaign
    .command('export')
    .argument('<id>')
    .description('per-recipient results as CSV')
    .requiredOption('--out <file>', 'where to write the CSV')
    .option('--encoding <encoding>', 'utf-8 (with BOM, for Excel) or shift_jis', 'utf-8')
    .action(async (id: string, options: { out: string; encoding: string }, cmd: Command) => {
      await download(
        cmd,
        `/v1/campaigns/${encodeURIComponent(id)}/export?encoding=${encodeURIComponent(options.encoding)}`,
        options.out,
      );
    });

  campaign
    .command('problems')
    .argument('<id>')
    .description('the row problems of the uploaded file as CSV')
    .requiredOption('--out <file>', 'where to write the CSV')
    .action(async (id: string, options: { out: string }, cmd: Command) => {
      await download(cmd, `/v1/campaigns/${encodeURIComponent(id)}/problems`, options.out);
    });

  return campaign;
}
