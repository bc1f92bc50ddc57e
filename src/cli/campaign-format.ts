/** What the CLI reads of a campaign as the API shows it (GET /v1/campaigns/{id}). */
export interface CampaignJson {
  id: string;
  name: string;
  status: string;
  version: number;
  purpose: string;
  template: { name: string; version: number };
  route: { name: string | null; steps: { channel: string }[] };
  imported: {
    fileName: string | null;
    sha256: string;
    recipients: number;
    errors: number;
    warnings: number;
  } | null;
  report: {
    recipients: number;
    sendable: number;
    excluded: Record<string, number>;
    sameFileAs: string[];
    estimate: {
      byFirstStep: { channel: string; recipients: number }[];
      expectedYen: number | null;
      smsOnlyYen: number | null;
      savingYen: number | null;
    };
  } | null;
  createdBy: string | null;
  approvalRequestedBy: string | null;
  approvedBy: string | null;
  progress?: {
    recipients: { total: number; byState: Record<string, number> };
    messages: { byStatus: Record<string, number> };
    nextCreateAt: string | null;
  };
  summary?: {
    sent: number;
    delivered: number;
    reach: number | null;
    fallbackRate: number | null;
    lateDeliveries: number;
    costYen: number;
    smsOnlyYen: number | null;
    savingYen: number | null;
  };
}

const STATUS_JA: Record<string, string> = {
  draft: '下書き',
  validated: '検証済み',
  pending_approval: '承認待ち',
  approved: '承認済み',
  scheduled: '開始待ち',
  running: '送信中',
  paused: '一時停止中',
  completed: '完了',
  canceled: '中止',
};

const REASON_JA: Record<string, string> = {
  duplicate: '重複',
  exclusion_list: '除外リスト',
  already_received: '過去のキャンペーンで受信済み',
  suppressed: '配信停止',
  missing_variable: 'テンプレート変数なし',
  invalid_variable: 'テンプレート変数の形式',
  content_blocked: '本文ルール違反',
  invalid_phone: '電話番号不正',
  not_sms_capable: 'SMS 不可の番号',
  missing_recipient: '宛先なし',
};

const CHANNEL_JA: Record<string, string> = {
  line_pnp: 'LINE',
  line_push: 'LINE プッシュ',
  sms: 'SMS',
  email: 'メール',
};

const n = (x: number) => x.toLocaleString('ja-JP');
const yen = (x: number | null) => (x === null ? '—' : `¥${x.toLocaleString('ja-JP')}`);
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

export function statusLabel(status: string): string {
  return `${STATUS_JA[status] ?? status} (${status})`;
}

/** Everything an approver needs to see before approving: which file, what is left out and why, what it costs. */
export function formatCampaign(c: CampaignJson): string {
  const lines = [
    `キャンペーン ${c.name}  [${c.id}]`,
    `  状態        ${statusLabel(c.status)}  version ${c.version}`,
    `  用途        ${c.purpose}   テンプレート ${c.template.name} v${c.template.version}`,
    `  経路        ${c.route.name ?? c.route.steps.map((s) => CHANNEL_JA[s.channel] ?? s.channel).join(' → ')}`,
  ];
  if (c.imported) {
    lines.push(
      `  ファイル    ${c.imported.fileName ?? '(名前なし)'}  SHA-256 ${c.imported.sha256.slice(0, 16)}…`,
      `  取り込み    ${n(c.imported.recipients)} 件  (エラー ${n(c.imported.errors)} 行 / 警告 ${n(c.imported.warnings)} 行)`,
    );
  }
  if (c.report) {
    const r = c.report;
    lines.push(`  送信対象    ${n(r.sendable)} / ${n(r.recipients)} 件`);
    for (const [reason, count] of Object.entries(r.excluded)) {
      lines.push(`    除外: ${REASON_JA[reason] ?? reason} (${reason})  ${n(count)} 件`);
    }
    for (const other of r.sameFileAs) {
      lines.push(
        `  ⚠ 同じファイルのキャンペーンがあります / the same file is also the list of campaign ${other}`,
      );
    }
    const steps = r.estimate.byFirstStep
      .map((s) => `${CHANNEL_JA[s.channel] ?? s.channel} ${n(s.recipients)}`)
      .join(' / ');
    lines.push(`  最初の経路  ${steps}`);
    lines.push(
      `  概算費用    ${yen(r.estimate.expectedYen)}  (SMS のみなら ${yen(r.estimate.smsOnlyYen)}、差額 ${yen(r.estimate.savingYen)})`,
    );
  }
  lines.push(
    `  作成        ${c.createdBy ?? '—'}   承認依頼 ${c.approvalRequestedBy ?? '—'}   承認 ${c.approvedBy ?? '—'}`,
  );
  if (c.progress) lines.push(`  進捗        ${formatProgress(c)}`);
  if (c.summary && c.summary.sent > 0) {
    const s = c.summary;
    lines.push(
      `  結果        到達 ${n(s.delivered)} / ${n(s.sent)} (${pct(s.reach)})  フォールバック ${pct(s.fallbackRate)}  遅延配信 ${n(s.lateDeliveries)}`,
      `  費用        ${yen(s.costYen)}  (SMS のみなら ${yen(s.smsOnlyYen)}、差額 ${yen(s.savingYen)})`,
    );
  }
  return lines.join('\n');
}

/** One line of progress: created, delivered, failed, waiting. */
export function formatProgress(c: CampaignJson): string {
  const p = c.progress;
  if (!p) return statusLabel(c.status);
  const state = p.recipients.byState;
  const m = p.messages.byStatus;
  const handled =
    (state.materialized ?? 0) + (state.excluded ?? 0) + (state.canceled ?? 0) + (state.expired ?? 0);
  const ratio = p.recipients.total === 0 ? 0 : Math.floor((handled / p.recipients.total) * 100);
  const waiting = p.nextCreateAt && c.status !== 'paused' ? `  次の作成 ${p.nextCreateAt}` : '';
  return (
    `${statusLabel(c.status)}  作成 ${n(state.materialized ?? 0)} / ${n(p.recipients.total)} (${ratio}%)` +
    `  配信済み ${n(m.delivered ?? 0)}  送信中 ${n((m.accepted ?? 0) + (m.scheduled ?? 0) + (m.sending ?? 0))}` +
    `  失敗 ${n((m.failed ?? 0) + (m.expired ?? 0))}  中止 ${n(m.canceled ?? 0)}${waiting}`
  );
}
