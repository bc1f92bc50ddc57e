import { describe, expect, it } from 'vitest';
import { formatChaosReport } from '../bench/chaos/chaos-report.js';
import { runChaos } from '../bench/chaos/run-chaos.js';

/**
 * `npm run chaos` in small: 1,500 recipients through 1 api + 2 worker processes on PostgreSQL, three SIGKILLs of
 * random processes at random moments (each restarted) and a burst of LINE 5xx answers, then the ledger check.
 */
describe('chaos, small', () => {
  it('kills of random processes mid-campaign lose nothing, send nothing twice and leave nothing unfinished', async () => {
    const report = await runChaos({
      store: 'postgres',
      recipients: 1_500,
      workers: 2,
      kills: 3,
      windowMs: 20_000,
      restartPostgres: false,
      faults: [{ provider: 'line', kind: '5xx', count: 30 }],
      // Start-up (~11 s on a busy machine) + the last alert accepted (~17 s, after the kills) + the LINE fallback
      // (20 s) + an SMS and its receipt (up to 15 s) is about 65 s; the checks after it take a few seconds more.
      timeLimitMs: 110_000,
      timing: {
        // Above an api restart on a busy machine plus the webhook retries' backoff: a delivery event held up by
        // an outage must still land before the fallback, or the person rightly gets the SMS too.
        lineFallbackAfterMs: 20_000,
        smsFallbackAfterMs: 5_000,
        leaseMs: 3_000,
        receiptGraceMs: 10_000,
        requestTimeoutMs: 3_000,
        maxLineDelayMs: 1_500,
        maxSmsDelayMs: 1_000,
      },
      lineRateLimit: 400,
      smsRateLimit: 200,
      seed: Date.now() % 1_000_000,
      keep: false,
      log: () => {},
    });
    const table = formatChaosReport(report);
    console.log(table);
    expect(report.kills).toHaveLength(3);
    expect(report.verdict.exactlyOnce, table).toBeGreaterThan(0);
    expect(report.violations, table).toEqual([]);
  }, 150_000);
});
