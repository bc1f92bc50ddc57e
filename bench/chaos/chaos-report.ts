import type { Finding } from './check-delivery.js';
import { describeFault } from './faults.js';
import { formatDepth, type ChaosReport } from './run-chaos.js';

const n = (value: number) => value.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The run's table, as `npm run chaos` prints it and BENCHMARKS.md records it. */
export function formatChaosReport(r: ChaosReport): string {
  const o = r.options;
  const v = r.verdict;
  const setup =
    o.store === 'postgres'
      ? `PostgreSQL, 1 api + ${o.workers} worker processes`
      : 'SQLite, 1 process (role all)';
  const rows: [string, string, string][] = [
    [
      'recipients',
      n(v.recipients),
      `${n(v.reachable)} reachable, ${n(v.unreachable)} reachable by neither LINE nor SMS`,
    ],
    ['delivered exactly once', n(v.exactlyOnce), 'of the reachable'],
    [
      'delivered twice',
      n(v.twice.length + v.twiceAfterUnknown.length),
      `${n(v.twiceAfterUnknown.length)} after an unknown outcome (allowed, listed); must be 0 otherwise`,
    ],
    [
      'lost',
      n(v.lost.length),
      `reachable, nothing received; must be 0 (${n(v.lostAfterUnknown)} had an unknown outcome)`,
    ],
    ['stuck in a non-final state', n(v.stuck.length), 'must be 0'],
    ['received although unreachable', n(v.receivedWhileUnreachable.length), 'must be 0'],
    ['"delivered" but nothing received', n(v.deliveredButNothingReceived.length), 'must be 0'],
    ['messages missing from the API', n(v.missing.length), 'must be 0'],
    ['SIGKILLs (each restarted)', n(r.kills.length), killSummary(r)],
    ['PostgreSQL restart', ...postgresSummary(r)],
    ['provider faults', faultCount(r), r.faults.length > 0 ? 'listed below' : ''],
    [
      'processes started again by the harness',
      n(r.recoveries.length),
      'must be 0: each is a process that did not survive',
    ],
    [
      'batches retried by the client',
      n(r.enqueueRetries),
      'API down or database away; idempotency keys make retries safe',
    ],
    [
      'all final after',
      r.settledAfterMs === null ? 'not settled' : s(r.settledAfterMs),
      r.settledAfterMs === null
        ? `still open: ${formatDepth(r.openAtDeadline)}; whole run ${s(r.totalMs)}`
        : `whole run ${s(r.totalMs)}`,
    ],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const lines = [
    `chaos: ${setup}, ${n(o.recipients)} recipients, seed ${o.seed}`,
    ...rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`.trimEnd()),
  ];
  if (r.kills.length > 0) {
    lines.push('  SIGKILLs:');
    for (const k of r.kills) {
      const state = k.notFinal === null ? 'API not answering' : `${n(k.notFinal)} messages not final`;
      const back = k.error
        ? `NOT BACK: ${k.error}`
        : `down ${s(k.downMs)}, answering ${k.upAfterMs === null ? '-' : s(k.upAfterMs)} after its start`;
      lines.push(`    ${s(k.at).padStart(7)}  ${k.name.padEnd(9)} ${state}; ${back}`);
    }
  }
  lines.push(...faultLines(r));
  const listed: [string, Finding[]][] = [
    ['delivered twice after an unknown outcome', v.twiceAfterUnknown],
    ['DELIVERED TWICE', v.twice],
    ['LOST', v.lost],
    ['STUCK', v.stuck],
    ['RECEIVED ALTHOUGH UNREACHABLE', v.receivedWhileUnreachable],
    ['"DELIVERED" BUT NOTHING RECEIVED', v.deliveredButNothingReceived],
  ];
  for (const [title, findings] of listed) {
    if (findings.length === 0) continue;
    lines.push(`  ${title}:`);
    for (const f of findings.slice(0, 50)) {
      lines.push(`    #${f.index} ${f.phone} (${f.kind}) message ${f.messageId ?? '-'} ${f.status ?? '-'}`);
      for (const x of f.received) lines.push(`      received ${x}`);
      for (const a of f.attempts) lines.push(`      attempt ${a}`);
    }
    if (findings.length > 50) lines.push(`    … and ${findings.length - 50} more`);
  }
  for (const rec of r.recoveries) {
    lines.push(
      `  ${rec.name} at ${s(rec.at)}: ${rec.reason}`,
      ...rec.log.split('\n').map((l) => `      ${l}`),
    );
  }
  lines.push(
    r.violations.length === 0
      ? '  result: PASS'
      : `  result: FAIL\n${r.violations.map((x) => `    - ${x}`).join('\n')}`,
  );
  return lines.join('\n');
}

function killSummary(r: ChaosReport): string {
  if (r.kills.length === 0) return '';
  const byName = new Map<string, number>();
  for (const k of r.kills) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
  const busy = r.kills.filter((k) => k.notFinal !== 0).length;
  const up = r.kills.map((k) => k.upAfterMs).filter((x): x is number => x !== null);
  return (
    `${[...byName].map(([name, c]) => `${name} ×${c}`).join(', ')}; ${busy} with work not final (or the API down); ` +
    `back up in ${up.length > 0 ? s(Math.max(...up)) : '-'} at most`
  );
}

/** The PostgreSQL restart's row: a word for the value column, the details for the note. */
function postgresSummary(r: ChaosReport): [string, string] {
  if (r.options.store !== 'postgres') return ['n/a', 'SQLite'];
  if (!r.options.restartPostgres) return ['skipped', 'not asked for'];
  const p = r.postgres;
  if (!p) return ['no', 'did not happen'];
  if (!p.restart.ok) return ['FAILED', p.restart.detail];
  const ready = Object.entries(p.readyAfterMs);
  const notReady = ready.filter(([, ms]) => ms === null).map(([name]) => name);
  const judged = ready.filter(([, ms]) => ms !== null).map(([name, ms]) => `${name} ${s(ms!)}`);
  return [
    notReady.length > 0 ? 'NOT SURVIVED' : 'done',
    `at ${s(p.at)}, took ${s(p.restart.ms)}; ` +
      (notReady.length > 0 ? `not ready again: ${notReady.join(', ')}; ` : '') +
      (judged.length > 0 ? `ready again after: ${judged.join(', ')}` : 'no process stayed up through it') +
      ' (processes killed meanwhile not judged; exits are counted below)',
  ];
}

function faultCount(r: ChaosReport): string {
  if (r.faults.length === 0) return 'none';
  if (r.faults.every((f) => f.result === 'not available')) return 'not available';
  return `${r.faults.filter((f) => f.result === 'injected').length} injected`;
}

function faultLines(r: ChaosReport): string[] {
  if (r.faults.length === 0) return [];
  if (r.faults.every((f) => f.result === 'not available')) {
    return ['  provider faults: not available (the sandbox has no POST /__sandbox/faults)'];
  }
  return [
    '  provider faults:',
    ...r.faults.map((f) => `    ${s(f.at).padStart(7)}  ${describeFault(f.fault)}: ${f.result}`),
  ];
}
