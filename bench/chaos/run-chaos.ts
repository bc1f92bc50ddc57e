import { setTimeout as sleep } from 'node:timers/promises';
import {
  FINAL_STATUSES,
  enqueueBatches,
  getMessage,
  listAllMessages,
  queueDepth,
  readLedger,
  sendEach,
  setNumbers,
} from '../../test/support/todoke-client.js';
import {
  ChaosDirector,
  type KillRecord,
  type PostgresRestartRecord,
  type Recovery,
} from './chaos-director.js';
import { startChaosEnvironment, type ChaosStore, type ChaosTiming } from './chaos-environment.js';
import {
  checkDelivery,
  needsHistory,
  type Delivery,
  type DeliveryVerdict,
  type MessageHistory,
  type MessageState,
} from './check-delivery.js';
import type { FaultResult, FaultSpec } from './faults.js';
import { buildPopulation, seededRandom, type Recipient } from './population.js';

export interface ChaosOptions {
  store: ChaosStore;
  recipients: number;
  /** Worker processes beside the api process (PostgreSQL only). */
  workers: number;
  kills: number;
  /** How long the chaos lasts from the first batch on. */
  windowMs: number;
  restartPostgres: boolean;
  faults: FaultSpec[];
  /**
   * From the start of the run, set-up included: the chaos and the wait for every message to be final give up after
   * this. The checks that follow (reading the ledger and the API) take what they take.
   */
  timeLimitMs: number;
  timing: ChaosTiming;
  lineRateLimit: number;
  smsRateLimit: number;
  seed: number;
  /** Keep the run's directory (logs, sandbox data) after it ends. */
  keep: boolean;
  databaseUrl?: string;
  log: (line: string) => void;
}

export interface ChaosReport {
  options: Omit<ChaosOptions, 'log'>;
  verdict: DeliveryVerdict;
  kills: KillRecord[];
  recoveries: Recovery[];
  postgres: PostgresRestartRecord | null;
  faults: FaultResult[];
  /** Tries of a batch or an alert the API did not take (it was down or the database away), each retried. */
  enqueueRetries: number;
  /** From the first batch until every message was final (null: not within the time limit). */
  settledAfterMs: number | null;
  /** Messages not yet final when the wait gave up, by status (empty when it settled). */
  openAtDeadline: Record<string, number>;
  totalMs: number;
  dir: string;
  /** Everything that makes the run fail, in words. */
  violations: string[];
}

const MARKER = /\[chaos (\d+)\]/;

/**
 * One chaos run: a population in the sandbox, a campaign through the API batch endpoint and alerts sent one by one
 * while processes are SIGKILLed and restarted, the database restarts and providers fail; then the ledger and the
 * API are compared.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const began = Date.now();
  const hardDeadline = began + o.timeLimitMs;
  const random = seededRandom(o.seed);
  const population = buildPopulation(o.recipients, random, o.timing);
  o.log(
    `starting ${o.store === 'postgres' ? `1 api + ${o.workers} worker processes on PostgreSQL` : '1 process (role all) on SQLite'}`,
  );
  const env = await startChaosEnvironment({ ...o, workers: o.workers });
  const { cluster, sandbox, apiKey } = env;
  try {
    const configured = population.filter((r) => r.settings !== null);
    await setNumbers(
      sandbox.controlUrl,
      configured.map((r) => [r.phone, r.settings!]),
    );
    o.log(`population: ${population.length} recipients (${configured.length} configured in the sandbox)`);

    // A campaign goes as bulk; one message in ten is a card-usage alert sent as it happens (realtime).
    const items = population.map((r) => ({
      to: { phone: r.phone },
      purpose: 'usage_alert',
      route: 'line-then-sms',
      priority: r.index % 10 === 0 ? 'realtime' : 'bulk',
      text: `カードご利用のお知らせ [chaos ${r.index}]`,
      idempotencyKey: `chaos-${o.seed}-${r.index}`,
      metadata: { recipient: r.index },
    }));
    const startedAt = Date.now();
    const director = new ChaosDirector(cluster, sandbox.controlUrl, random, startedAt, o.log);
    director.startWatchdog();
    let enqueueRetries = 0;
    const retrying = (what: string) => (reason: string) => {
      enqueueRetries += 1;
      if (enqueueRetries % 20 === 1)
        o.log(`  ${what} was not taken (${reason}); retrying (${enqueueRetries} so far)`);
    };
    // The campaign goes through the batch endpoint; the alerts one by one through POST /v1/messages as they
    // happen, over the first half of the chaos (where the api process has an engine, it takes them up at once).
    const enqueued = Promise.all([
      enqueueBatches(
        cluster.apiUrl,
        apiKey,
        items.filter((item) => item.priority === 'bulk'),
        { batchSize: 1000, deadline: hardDeadline, onRetry: retrying('a batch') },
      ),
      sendEach(
        cluster.apiUrl,
        apiKey,
        items.filter((item) => item.priority === 'realtime'),
        { overMs: o.windowMs / 2, concurrency: 4, deadline: hardDeadline, onRetry: retrying('an alert') },
      ),
    ]).then(([campaign, alerts]) =>
      o.log(
        `  all ${campaign.length + alerts.length} messages accepted at ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      ),
    );
    const chaos = director.run({
      kills: o.kills,
      windowMs: o.windowMs,
      postgresRestartAt: o.restartPostgres && o.store === 'postgres' ? 0.3 + 0.3 * random() : null,
      faults: o.faults,
      readyWithinMs: 30_000,
    });
    const progress = setInterval(() => {
      void queueDepth(cluster.apiUrl).then((d) => {
        if (d) o.log(`  ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${formatDepth(d)}`);
      });
    }, 10_000);
    try {
      await enqueued;
      await chaos;
      const settled = await settle(cluster.apiUrl, o.recipients, startedAt, hardDeadline);
      // Anything still in flight (a late delivery, a duplicate) shows in the ledger within the longest delay.
      await sleep(o.timing.maxLineDelayMs + 2_000);
      await director.stopWatchdog();
      clearInterval(progress);

      const verdict = await verify(cluster.apiUrl, apiKey, sandbox.controlUrl, population);
      const report: ChaosReport = {
        options: withoutLog(o),
        verdict,
        kills: director.kills,
        recoveries: director.recoveries,
        postgres: director.postgres,
        faults: director.faults,
        enqueueRetries,
        settledAfterMs: settled.afterMs,
        openAtDeadline: settled.open,
        totalMs: Date.now() - began,
        dir: env.dir,
        violations: [],
      };
      report.violations = violationsOf(report);
      return report;
    } finally {
      clearInterval(progress);
      await director.stopWatchdog();
    }
  } finally {
    await env.close(o.keep);
  }
}

/**
 * Waits until the API holds every message and none is left unfinished: the time taken, or null at the deadline with
 * what was still open (by status, "not in the API" for those it does not hold yet).
 */
async function settle(
  apiUrl: string,
  count: number,
  startedAt: number,
  deadline: number,
): Promise<{ afterMs: number | null; open: Record<string, number> }> {
  let open: Record<string, number> = { 'not in the API': count };
  for (;;) {
    const depth = await queueDepth(apiUrl);
    if (depth) {
      const total = Object.values(depth).reduce((a, b) => a + b, 0);
      open = Object.fromEntries(Object.entries(depth).filter(([s, c]) => c > 0 && !FINAL_STATUSES.has(s)));
      if (total < count) open['not in the API'] = count - total;
      if (Object.keys(open).length === 0) return { afterMs: Date.now() - startedAt, open };
    }
    if (Date.now() >= deadline) return { afterMs: null, open };
    await sleep(1_000);
  }
}

async function verify(
  apiUrl: string,
  apiKey: string,
  controlUrl: string,
  population: Recipient[],
): Promise<DeliveryVerdict> {
  const deliveries: Delivery[] = [];
  for (const item of await readLedger(controlUrl)) {
    const match = MARKER.exec(item.text);
    if (match)
      deliveries.push({
        index: Number(match[1]),
        channel: item.channel,
        at: item.at,
        attemptRef: item.attemptRef,
      });
  }
  const messages: MessageState[] = [];
  for (const m of await listAllMessages(apiUrl, apiKey)) {
    const index = m.metadata?.recipient;
    if (typeof index === 'number') messages.push({ index, id: m.id, status: m.status });
  }
  const idOf = new Map(messages.map((m) => [m.index, m.id]));
  const histories = new Map<number, MessageHistory>();
  for (const index of needsHistory(population, deliveries)) {
    const id = idOf.get(index);
    if (!id) continue;
    const detail = await getMessage(apiUrl, apiKey, id);
    histories.set(index, {
      attempts: detail.attempts.map((a) => ({
        channel: a.channel,
        status: a.status,
        errorClass: a.error?.class ?? null,
        line: `${a.channel} ${a.status}${a.error?.code ? ` (${a.error.class}: ${a.error.code})` : ''} ${a.id}`,
      })),
    });
  }
  return checkDelivery(population, deliveries, messages, histories);
}

function violationsOf(r: ChaosReport): string[] {
  const v = r.verdict;
  const out: string[] = [];
  if (v.twice.length > 0) out.push(`${v.twice.length} recipients received twice with no unknown outcome`);
  if (v.lost.length > 0) out.push(`${v.lost.length} reachable recipients received nothing (lost)`);
  if (v.stuck.length > 0) out.push(`${v.stuck.length} messages are not in a final state`);
  if (v.missing.length > 0) out.push(`${v.missing.length} recipients have no message in the API`);
  if (v.receivedWhileUnreachable.length > 0)
    out.push(`${v.receivedWhileUnreachable.length} unreachable recipients received something`);
  if (v.deliveredButNothingReceived.length > 0)
    out.push(`${v.deliveredButNothingReceived.length} messages say delivered but nothing arrived`);
  for (const rec of r.recoveries) out.push(`${rec.name} had to be started again: ${rec.reason}`);
  for (const k of r.kills) if (k.error) out.push(`${k.name} did not come back after its SIGKILL: ${k.error}`);
  if (r.kills.length < r.options.kills)
    out.push(`only ${r.kills.length} of ${r.options.kills} SIGKILLs happened`);
  if (r.settledAfterMs === null)
    out.push(`the run did not settle within its time limit: ${formatDepth(r.openAtDeadline)} still open`);
  return out;
}

/** Messages by status, e.g. `sending 12, queued 3`; statuses with none left out. */
export function formatDepth(depth: Record<string, number>): string {
  return Object.entries(depth)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
}

function withoutLog(o: ChaosOptions): Omit<ChaosOptions, 'log'> {
  const { log: _log, ...rest } = o;
  return rest;
}
