import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { EngineContext } from './engine-context.js';
import { pruneAppliedReceipts } from './prune-receipts.js';

const DAY = 86_400_000;

describe('pruneAppliedReceipts', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'todoke-prune-'));
    store = await openSqliteStore({ file: join(dir, 'todoke.db'), writer: 'inline' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** 4,500 receipts stored, all applied now except the 100th. */
  async function storeReceipts(): Promise<void> {
    const now = Date.now();
    await store.insertReceipts(
      Array.from({ length: 4_500 }, (_, i) => ({
        provider: 'line',
        account: 'line',
        eventId: `ev-${i}`,
        attemptId: `a-${i}`,
        providerMessageId: null,
        status: 'delivered' as const,
        errorCode: null,
        units: 1,
        occurredAt: now,
        receivedAt: now,
      })),
    );
    const pending = await store.pendingReceipts(10_000);
    await store.commit({ processedReceipts: pending.filter((_, i) => i !== 99).map((r) => r.seq) });
  }

  function contextAt(now: number): EngineContext {
    return {
      store,
      clock: { now: () => now },
      config: { engine: { receiptRetentionMs: 7 * DAY } },
      logger: pino({ level: 'silent' }),
    } as unknown as EngineContext;
  }

  it('keeps applied receipts for the retention period', async () => {
    await storeReceipts();
    expect(await pruneAppliedReceipts(contextAt(Date.now() + 6 * DAY), () => true)).toBe(0);
    expect(await store.pendingReceipts(10)).toHaveLength(1);
  });

  it('deletes every applied receipt past it, window after window, and none still to apply', async () => {
    await storeReceipts();
    expect(await pruneAppliedReceipts(contextAt(Date.now() + 8 * DAY), () => true)).toBe(4_499);
    expect((await store.pendingReceipts(10)).map((r) => r.eventId)).toEqual(['ev-99']);
  });

  it('stops after the current window when told to', async () => {
    await storeReceipts();
    expect(await pruneAppliedReceipts(contextAt(Date.now() + 8 * DAY), () => false)).toBe(1_999);
  });
});
