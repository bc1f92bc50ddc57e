import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.js';
import Database from './sqlite-driver.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes 24 MiB in 1 MiB transactions on a connection that never checkpoints; resolves the WAL's size after. */
async function writeWithoutCheckpoints(withCheckpointer: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-checkpointer-'));
  dirs.push(dir);
  const file = join(dir, 'test.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('journal_size_limit = 4194304');
  db.exec('CREATE TABLE t (v BLOB)');
  const checkpointer = withCheckpointer ? startCheckpointer(file, 20) : null;
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const write = db.transaction(() => {
    for (let i = 0; i < 16; i++) insert.run(Buffer.alloc(64 * 1024, i));
  });
  for (let i = 0; i < 24; i++) {
    write();
    await sleep(60);
  }
  await checkpointer?.stop();
  const size = statSync(`${file}-wal`).size;
  db.close();
  return size;
}

describe('startCheckpointer', () => {
  it('keeps the WAL of a connection that never checkpoints from growing', async () => {
    const without = await writeWithoutCheckpoints(false);
    const withThread = await writeWithoutCheckpoints(true);
    expect(without).toBeGreaterThan(20 * 1024 * 1024);
    // Checkpointed between transactions, the log restarts and is cut back to journal_size_limit.
    expect(withThread).toBeLessThan(6 * 1024 * 1024);
  });

  it('stops once, however often asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'todoke-checkpointer-'));
    dirs.push(dir);
    const db = new Database(join(dir, 'x.db'));
    db.pragma('journal_mode = WAL');
    const checkpointer = startCheckpointer(join(dir, 'x.db'), 10);
    await Promise.all([checkpointer.stop(), checkpointer.stop()]);
    db.close();
  });
});

describe('startCheckpointer, stopping in a process with nothing else to do', () => {
  it('lets the awaiting code go on: the process does not end while the thread closes', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'todoke-checkpointer-'));
    dirs.push(dir);
    const module = new URL('./checkpointer.ts', import.meta.url).href;
    const script = `
      import { startCheckpointer } from ${JSON.stringify(module)};
      const c = startCheckpointer(${JSON.stringify(join(dir, 'y.db'))}, 10);
      await new Promise((r) => setTimeout(r, 50));
      await c.stop();
      console.log('after stop');
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('after stop');
  });
});
