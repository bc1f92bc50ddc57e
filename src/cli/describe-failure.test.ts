import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../test/support/postgres-schema.js';
import { exited, spawnTodoke } from '../../test/support/processes.js';
import Database from '../store/sqlite/sqlite-driver.js';
import { describeFailure } from './describe-failure.js';

const listening = (server: Server, port = 0) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

describe('describeFailure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-describe-failure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a port in use and says which setting moves it', async () => {
    const first = createServer();
    const port = await listening(first);
    const second = createServer();
    const error = await listening(second, port).catch((e: unknown) => e);
    first.close();
    const text = describeFailure(error);
    expect(text).toMatch(/^todoke を実行できませんでした \/ todoke could not run: listen EADDRINUSE/);
    expect(text).toContain('TODOKE_PORT');
  });

  it('shows a SQLite file that cannot be opened with its code and what to check', () => {
    // A directory where the database file should be: SQLite cannot open it.
    const where = join(dir, 'todoke.db');
    mkdirSync(where);
    let error: unknown;
    try {
      new Database(where);
    } catch (e) {
      error = e;
    }
    const text = describeFailure(error);
    expect(text).toContain('[SQLITE_CANTOPEN]');
    expect(text).toContain('TODOKE_DATA_DIR');
  });

  it('shows a missing PostgreSQL database with its SQLSTATE and what to do', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = '/todoke_no_such_database';
    const client = new pg.Client({ connectionString: url.href });
    const error = await client.connect().catch((e: unknown) => e);
    await client.end().catch(() => undefined);
    const text = describeFailure(error);
    expect(text).toContain('todoke_no_such_database');
    expect(text).toContain('[3D000]');
    expect(text).toContain('CREATE DATABASE');
  });

  it('lists each cause under the error, and takes a hint from a cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const text = describeFailure(new Error('opening the store failed', { cause: refused }));
    expect(text.split('\n')).toEqual([
      'todoke を実行できませんでした / todoke could not run: opening the store failed',
      '  原因 / cause: connect ECONNREFUSED 127.0.0.1:1',
      expect.stringContaining('TODOKE_DATABASE_URL'),
    ]);
  });

  it('reads the first error of an AggregateError, whose own message is empty', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    const text = describeFailure(Object.assign(new AggregateError([refused]), { code: 'ECONNREFUSED' }));
    expect(text).toContain('could not run: connect ECONNREFUSED ::1:5432');
    expect(text).toContain('TODOKE_DATABASE_URL');
  });

  it('folds a cause that its wrapper already quotes into one line, keeping the code', () => {
    const missing = Object.assign(new Error('database "x" does not exist'), { code: '3D000' });
    const wrapped = new Error(
      'cannot open the PostgreSQL store at postgres://db/x: database "x" does not exist',
      {
        cause: missing,
      },
    );
    expect(describeFailure(wrapped).split('\n')).toEqual([
      'todoke を実行できませんでした / todoke could not run: cannot open the PostgreSQL store at postgres://db/x: database "x" does not exist [3D000]',
      expect.stringContaining('CREATE DATABASE'),
    ]);
  });

  it('has no hint for an error nobody can act on, and survives a cycle of causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeFailure(a).split('\n')).toEqual([
      'todoke を実行できませんでした / todoke could not run: a',
      '  原因 / cause: b',
    ]);
    expect(describeFailure('plain text')).toBe(
      'todoke を実行できませんでした / todoke could not run: plain text',
    );
  });

  it('is what `todoke start` prints when its port is taken, and it exits 1', async () => {
    const holder = createServer();
    const port = await listening(holder);
    const config = join(dir, 'todoke.yaml');
    writeFileSync(
      config,
      'accounts:\n  line-main: { provider: line, channelAccessToken: t, channelSecret: s, baseUrl: "http://127.0.0.1:9" }\n',
    );
    try {
      const child = spawnTodoke(['start'], {
        TODOKE_CONFIG: config,
        TODOKE_PORT: String(port),
        TODOKE_HOST: '127.0.0.1',
        TODOKE_DATA_DIR: join(dir, 'start'),
        TODOKE_SANDBOX: '0',
        TODOKE_LOG_LEVEL: 'silent',
        TODOKE_SECRET: 'describe-failure-secret-0123456789',
      });
      await exited(child);
      expect(child.exitCode).toBe(1);
      expect(child.output()).toContain(
        `todoke could not run: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
      );
      expect(child.output()).toContain('TODOKE_PORT');
    } finally {
      holder.close();
    }
  }, 60_000);
});
