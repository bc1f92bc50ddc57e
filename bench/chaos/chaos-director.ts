import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from '../../test/support/cluster.js';
import { notFinal } from '../../test/support/todoke-client.js';
import { FaultInjector, describeFault, type FaultResult, type FaultSpec } from './faults.js';
import { restartPostgres, type PostgresRestart } from './restart-postgres.js';

export interface KillRecord {
  /** ms since the run started. */
  at: number;
  name: string;
  /** Messages not yet final when it was killed (null: the API did not answer). */
  notFinal: number | null;
  /** How long it stayed down before being started again. */
  downMs: number;
  /** How long it took to answer again once started; null if it never did. */
  upAfterMs: number | null;
  error?: string;
}

/** A process the harness had to start again although nobody killed it: each is a violation. */
export interface Recovery {
  at: number;
  name: string;
  reason: string;
  log: string;
}

export interface PostgresRestartRecord {
  at: number;
  restart: PostgresRestart;
  /** Per process: ms after the restart until /readyz answered 2xx again, or null. */
  readyAfterMs: Record<string, number | null>;
}

export interface ChaosPlan {
  kills: number;
  windowMs: number;
  /** Fraction of the window at which PostgreSQL restarts; null for none. */
  postgresRestartAt: number | null;
  faults: FaultSpec[];
  /** How long processes get to be ready again after the PostgreSQL restart. */
  readyWithinMs: number;
}

/**
 * Runs the chaos of one run on a schedule drawn from `random`: SIGKILLs of random processes at random moments,
 * each started again after a random pause; a PostgreSQL restart; provider faults. A watchdog starts again any
 * process that ended on its own, and records it as a recovery (a violation).
 */
export class ChaosDirector {
  readonly kills: KillRecord[] = [];
  readonly recoveries: Recovery[] = [];
  readonly faults: FaultResult[] = [];
  postgres: PostgresRestartRecord | null = null;
  private readonly busy = new Set<string>();
  private readonly pending: Promise<void>[] = [];
  private watching = true;
  private watchdog: Promise<void> | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly controlUrl: string,
    private readonly random: () => number,
    private readonly startedAt: number,
    private readonly log: (line: string) => void,
  ) {}

  private now(): number {
    return Date.now() - this.startedAt;
  }

  startWatchdog(): void {
    this.watchdog = (async () => {
      while (this.watching) {
        for (const name of this.cluster.crashed()) {
          if (this.busy.has(name)) continue;
          const exit = this.cluster.exits.at(-1);
          this.recover(name, `exited on its own (${exit?.code ?? exit?.signal ?? '?'})`);
        }
        await sleep(500);
      }
    })();
  }

  async stopWatchdog(): Promise<void> {
    this.watching = false;
    await this.watchdog;
    await Promise.all(this.pending);
  }

  /** Runs the whole plan; resolves when the last event is done and every killed process is up again. */
  async run(plan: ChaosPlan): Promise<void> {
    type Event = { at: number; run: () => Promise<void> };
    const w = plan.windowMs;
    const events: Event[] = [];
    for (let i = 0; i < plan.kills; i++) {
      events.push({ at: w * (0.03 + 0.92 * this.random()), run: () => this.killOne() });
    }
    if (plan.postgresRestartAt !== null) {
      events.push({ at: w * plan.postgresRestartAt, run: () => this.restartDatabase(plan.readyWithinMs) });
    }
    plan.faults.forEach((fault, i) => {
      const at = w * (0.1 + (0.7 * i) / Math.max(1, plan.faults.length - 1));
      events.push({ at, run: () => this.injectFault(fault) });
    });
    events.sort((a, b) => a.at - b.at);
    for (const event of events) {
      const wait = event.at - this.now();
      if (wait > 0) await sleep(wait);
      await event.run();
    }
    await Promise.all(this.pending);
  }

  /** SIGKILLs a random process that is up, and starts it again after a pause, without holding up the plan. */
  private async killOne(): Promise<void> {
    let candidates: string[] = [];
    for (let tries = 0; tries < 100; tries++) {
      candidates = this.cluster.names().filter((n) => this.cluster.isRunning(n) && !this.busy.has(n));
      if (candidates.length > 0) break;
      await sleep(200);
    }
    const name = candidates[Math.floor(this.random() * candidates.length)];
    if (!name) return;
    this.busy.add(name);
    const record: KillRecord = { at: this.now(), name, notFinal: null, downMs: 0, upAfterMs: null };
    this.kills.push(record);
    record.notFinal = await notFinal(this.cluster.apiUrl);
    await this.cluster.kill(name, 'SIGKILL');
    this.log(
      `  SIGKILL ${name} at ${(record.at / 1000).toFixed(1)} s (${record.notFinal ?? '?'} messages not final)`,
    );
    const downMs = 200 + Math.round(this.random() * 1800);
    this.pending.push(
      (async () => {
        await sleep(downMs);
        record.downMs = downMs;
        const started = performance.now();
        try {
          await this.startWithRetries(name);
          record.upAfterMs = Math.round(performance.now() - started);
        } catch (error) {
          record.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
        } finally {
          this.busy.delete(name);
        }
      })(),
    );
  }

  /** A process may refuse to start while the database is away: try again for a minute. */
  private async startWithRetries(name: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await this.cluster.start(name, 60_000);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(1_000);
      }
    }
  }

  private recover(name: string, reason: string): void {
    this.busy.add(name);
    const recovery: Recovery = { at: this.now(), name, reason, log: logTail(this.cluster.logFile(name)) };
    this.recoveries.push(recovery);
    this.log(`  ! ${name}: ${reason}; starting it again\n${indent(recovery.log)}`);
    this.pending.push(
      (async () => {
        try {
          await this.cluster.kill(name, 'SIGKILL');
          await this.startWithRetries(name);
        } catch (error) {
          this.log(`  ! ${name} did not start again: ${error instanceof Error ? error.message : error}`);
        } finally {
          this.busy.delete(name);
        }
      })(),
    );
  }

  /**
   * Restarts PostgreSQL under the running processes, then waits for each to report ready. One that does not within
   * `readyWithinMs` did not survive it: recorded with its log, and started again so the run can finish.
   */
  private async restartDatabase(readyWithinMs: number): Promise<void> {
    const at = this.now();
    this.log(`  PostgreSQL restart at ${(at / 1000).toFixed(1)} s`);
    const restart = await restartPostgres();
    const record: PostgresRestartRecord = { at, restart, readyAfterMs: {} };
    this.postgres = record;
    this.log(`  ${restart.detail} (${(restart.ms / 1000).toFixed(1)} s)`);
    if (!restart.ok) return;
    // Readiness is watched beside the rest of the plan, which goes on meanwhile.
    this.pending.push(this.watchReadiness(record, readyWithinMs));
  }

  private async watchReadiness(record: PostgresRestartRecord, readyWithinMs: number): Promise<void> {
    const after = performance.now();
    const names = this.cluster.names().filter((n) => !this.busy.has(n) && this.cluster.isRunning(n));
    for (const n of names) record.readyAfterMs[n] = null;
    // A process killed meanwhile is started again by its kill: it tells nothing about surviving the restart.
    const killedSince = (n: string) => this.kills.some((k) => k.name === n && k.at >= record.at);
    while (performance.now() - after < readyWithinMs) {
      const waiting = names.filter((n) => record.readyAfterMs[n] === null && !killedSince(n));
      if (waiting.length === 0) break;
      await Promise.all(
        waiting.map(async (n) => {
          if (await this.cluster.ready(n)) record.readyAfterMs[n] = Math.round(performance.now() - after);
        }),
      );
      await sleep(250);
    }
    for (const n of names) {
      if (killedSince(n)) delete record.readyAfterMs[n];
      else if (record.readyAfterMs[n] === null && !this.busy.has(n)) {
        this.recover(n, `not ready ${readyWithinMs / 1000} s after the PostgreSQL restart`);
      }
    }
  }

  private async injectFault(fault: FaultSpec): Promise<void> {
    const result = await new FaultInjector(this.controlUrl, this.startedAt).inject(fault);
    this.faults.push(result);
    if (result.result !== 'not available' || this.faults.length === 1) {
      this.log(`  fault ${describeFault(fault)} at ${(result.at / 1000).toFixed(1)} s: ${result.result}`);
    }
  }
}

/** The last lines of a process's log that say something went wrong, else its last lines. */
function logTail(file: string): string {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '(no log)';
  }
  const lines = text.trimEnd().split('\n');
  const bad = lines.filter((l) => /"level":(50|60)|crashed|Error|error/.test(l));
  return (bad.length > 0 ? bad.slice(-6) : lines.slice(-6)).map((l) => l.slice(0, 600)).join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
