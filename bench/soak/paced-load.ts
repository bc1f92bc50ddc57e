import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface PacedLoadOptions {
  url: string;
  apiKey: string;
  ratePerSecond: number;
  durationMs: number;
  /** The body of the i-th message. */
  body: (i: number) => object;
}

export interface PacedLoadReport {
  /** Requests the schedule called for. */
  offered: number;
  /** Answered 202 (or 200 for a repeat). */
  accepted: number;
  errors: number;
  firstError: string | null;
  /** Not sent because too many were still unanswered: the API fell behind the schedule. */
  skipped: number;
  latenciesMs: number[];
  elapsedMs: number;
}

/** Unanswered requests beyond which the generator stops adding more: the API is not keeping up. */
const MAX_IN_FLIGHT = 2_000;

/**
 * POST /v1/messages at a fixed rate whatever the answers take (an open loop, as real callers behave), so a server
 * that slows down shows as latency and backlog, not as a politely lower rate.
 */
export async function runPacedLoad(o: PacedLoadOptions): Promise<PacedLoadReport> {
  const pool = new Pool(o.url, { connections: 64 });
  const report: PacedLoadReport = {
    offered: 0,
    accepted: 0,
    errors: 0,
    firstError: null,
    skipped: 0,
    latenciesMs: [],
    elapsedMs: 0,
  };
  const inFlight = new Set<Promise<void>>();
  const send = (i: number) => {
    const started = performance.now();
    const work = pool
      .request({
        path: '/v1/messages',
        method: 'POST',
        headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(o.body(i)),
      })
      .then(async (response) => {
        const text = await response.body.text();
        if (response.statusCode === 202 || response.statusCode === 200) {
          report.accepted += 1;
          report.latenciesMs.push(performance.now() - started);
        } else {
          report.errors += 1;
          report.firstError ??= `HTTP ${response.statusCode}: ${text.slice(0, 300)}`;
        }
      })
      .catch((error: unknown) => {
        report.errors += 1;
        report.firstError ??= error instanceof Error ? error.message : String(error);
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };

  const began = performance.now();
  for (;;) {
    const elapsed = performance.now() - began;
    if (elapsed >= o.durationMs) break;
    const due = Math.floor((elapsed * o.ratePerSecond) / 1000) - report.offered;
    for (let k = 0; k < due; k++) {
      const i = report.offered++;
      if (inFlight.size >= MAX_IN_FLIGHT) report.skipped += 1;
      else send(i);
    }
    await sleep(10);
  }
  report.elapsedMs = performance.now() - began;
  await Promise.race([Promise.allSettled([...inFlight]), sleep(30_000)]);
  await pool.close();
  return report;
}
