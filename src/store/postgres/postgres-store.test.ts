import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStoreConformance, newMessage } from '../store.conformance.js';
import { MIGRATIONS } from './migrations.js';
import { PostgresStore, openPostgresStore } from './postgres-store.js';

/** CI provides this server; without one these tests fail rather than skip. */
const DATABASE_URL = process.env.TODOKE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);

const freshSchema = () => `t_${randomBytes(8).toString('hex')}`;

async function openTestStore(schema: string): Promise<PostgresStore> {
  try {
    return await openPostgresStore({ url: DATABASE_URL, schema });
  } catch (error) {
    throw new Error(
      `the PostgreSQL store tests need a reachable server (tried ${DATABASE_URL}; set TODOKE_TEST_DATABASE_URL): ` +
        (error instanceof Error ? error.message : String(error)),
      { cause: error },
    );
  }
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const dropSchema = (schema: string) => admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));

describeStoreConformance('postgres', async () => {
  const schema = freshSchema();
  let current = await openTestStore(schema);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = await openTestStore(schema);
      return current;
    },
    async cleanup() {
      await current.close();
      await dropSchema(schema);
    },
  };
});

describe('PostgresStore shared by several processes', () => {
  let schema: string;
  let opened: PostgresStore[];
  /** A store with its own connection pool, as another todoke process would have. */
  const openProcess = async () => {
    const store = await openTestStore(schema);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    schema = freshSchema();
    opened = [];
  });
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await dropSchema(schema);
  });

  it('wakes the other processes: a signal reaches every subscriber of the same schema, and no other', async () => {
    const [a, b] = [await openProcess(), await openProcess()];
    const other = await openTestStore(freshSchema());
    const heard: string[] = [];
    const heardElsewhere: string[] = [];
    const stop = await b.subscribe((topic) => heard.push(topic));
    const stopOther = await other.subscribe((topic) => heardElsewhere.push(topic));
    a.signal('due');
    a.signal('due');
    a.signal('receipts');
    const deadline = Date.now() + 5000;
    while (heard.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(heard.sort()).toEqual(['due', 'receipts']);
    expect(heardElsewhere).toEqual([]);
    await stop();
    await stopOther();
    await other.close();
    await dropSchema(other.schema);
  });

  it('shares a rate limit between processes on the database clock: no one-second window over the limit', async () => {
    const stores = [await openProcess(), await openProcess(), await openProcess()];
    const limit = 200;
    const interval = (1000 + 20) / limit;
    const grants: number[] = [];
    const until = performance.now() + 2500;
    await Promise.all(
      stores.map(async (store) => {
        while (performance.now() < until) {
          const { granted, retryAfterMs } = await store.takeRate('line-main', 10, interval, 20);
          const at = performance.now();
          for (let i = 0; i < granted; i++) grants.push(at);
          if (granted === 0) await new Promise((r) => setTimeout(r, retryAfterMs));
        }
      }),
    );
    grants.sort((x, y) => x - y);
    // Grants are counted when their answer arrives here; allow the round trip's spread on top of the second.
    for (let i = limit; i < grants.length; i++)
      expect(grants[i]! - grants[i - limit]!).toBeGreaterThanOrEqual(1000 - 15);
    expect(grants.length / 2.5).toBeGreaterThan(limit * 0.9);
  });

  it('migrates a fresh schema once when several processes start at the same moment', async () => {
    await Promise.all([openProcess(), openProcess(), openProcess(), openProcess()]);
    const versions = async () =>
      admin(
        async (c) => (await c.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows,
      );
    const expected = MIGRATIONS.map((m) => ({ version: m.version }));
    expect(await versions()).toEqual(expected);
    await openProcess();
    expect(await versions()).toEqual(expected);
  });

  it('never leases one message to two processes claiming at once', async () => {
    const [a, b] = [await openProcess(), await openProcess()];
    const messages = Array.from({ length: 500 }, (_, i) =>
      newMessage({ priority: i % 3 === 0 ? 'bulk' : 'realtime', createdAt: T0 - (i % 17) * 1000 }),
    );
    await a.acceptMessages(messages);
    const claimers = [a, a, b, b].map(async (store, n) => {
      const mine: string[] = [];
      for (;;) {
        const claimed = await store.claimDueMessages(`engine-${n}`, T0, 60_000, 7);
        if (claimed.length === 0) return mine;
        for (const m of claimed)
          expect(m).toMatchObject({ leaseOwner: `engine-${n}`, leaseUntil: T0 + 60_000 });
        mine.push(...claimed.map((m) => m.id));
      }
    });
    const claimedIds = (await Promise.all(claimers)).flat();
    expect(claimedIds.length).toBe(500);
    expect(new Set(claimedIds).size).toBe(500);
    expect(await b.claimDueMessages('late', T0 + 59_999, 60_000, 10)).toEqual([]);
  });

  it('lets exactly one of several processes commit at the same expected version', async () => {
    const [a, b] = [await openProcess(), await openProcess()];
    const m = newMessage();
    await a.acceptMessages([m]);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b).commit({
          message: { id: m.id, expectVersion: 0, patch: { status: 'sending', stepIndex: i + 1 } },
          events: [{ messageId: m.id, attemptId: null, type: `try-${i}`, data: null, at: T0 }],
        }),
      ),
    );
    expect(outcomes.filter(Boolean).length).toBe(1);
    const winner = outcomes.indexOf(true);
    expect(await a.getMessage(m.id)).toMatchObject({ status: 'sending', stepIndex: winner + 1, version: 1 });
    expect((await b.listEvents(m.id)).map((e) => e.type)).toEqual([`try-${winner}`]);
  });

  it('stores one message when processes accept the same idempotency key at once', async () => {
    const [a, b] = [await openProcess(), await openProcess()];
    const requests = Array.from({ length: 12 }, (_, i) =>
      newMessage({ idempotencyKey: 'order-7', requestHash: i < 8 ? 'hash-a' : 'hash-b' }),
    );
    const results = (await Promise.all(requests.map((m, i) => (i % 2 ? a : b).acceptMessages([m])))).flat();
    const created = results.filter((r) => r.result === 'created');
    expect(created.length).toBe(1);
    const original = created[0]!.message;
    expect(new Set(results.map((r) => r.message.id))).toEqual(new Set([original.id]));
    for (const [i, r] of results.entries()) {
      if (r.result === 'created') continue;
      expect(r.result).toBe(requests[i]!.requestHash === original.requestHash ? 'existing' : 'conflict');
    }
    expect((await a.countMessagesByStatus()).accepted).toBe(1);
  });

  it('accepts 10,000 messages in one call, results in input order, repeats resolved', async () => {
    const store = await openProcess();
    const earlier = newMessage({ idempotencyKey: 'order-1' });
    await store.acceptMessages([earlier]);
    const batch = Array.from({ length: 10_000 }, () => newMessage({ priority: 'bulk' }));
    batch[0] = newMessage({ idempotencyKey: 'order-1' });
    batch[5000] = newMessage({ idempotencyKey: 'order-1', requestHash: 'hash-b' });
    batch[9999] = newMessage({ idempotencyKey: batch[1]!.idempotencyKey, requestHash: 'hash-b' });
    const results = await store.acceptMessages(batch);
    expect(results.length).toBe(10_000);
    expect(results[0]).toMatchObject({ result: 'existing', message: { id: earlier.id } });
    expect(results[5000]).toMatchObject({ result: 'conflict', message: { id: earlier.id } });
    expect(results[9999]).toMatchObject({ result: 'conflict', message: { id: batch[1]!.id } });
    expect(results.filter((r) => r.result === 'created').map((r) => r.message.id)).toEqual(
      batch.filter((_, i) => i !== 0 && i !== 5000 && i !== 9999).map((m) => m.id),
    );
    expect((await store.countMessagesByStatus()).accepted).toBe(1 + 9997);
  });

  it('gathers planner statistics of a table once it is big enough, and again when it has doubled', async () => {
    const store = await openProcess();
    const reltuples = () =>
      admin(async (c) => {
        const r = await c.query(`SELECT reltuples FROM pg_class WHERE oid = '${schema}.messages'::regclass`);
        return Number(r.rows[0].reltuples);
      });
    /** The row counts the check reads are published by each connection within seconds, not at once. */
    const refreshedWithin = async (ms: number) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const analyzed = await store.refreshStatistics();
        if (analyzed.length > 0 || Date.now() > deadline) return analyzed;
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const accept = (n: number) =>
      store.acceptMessages(Array.from({ length: n }, () => newMessage({ priority: 'bulk' })));

    await accept(500);
    expect(await refreshedWithin(1_500)).toEqual([]);
    expect(await reltuples()).toBe(-1);
    await accept(1_000);
    expect(await refreshedWithin(15_000)).toEqual(['messages']);
    expect(await reltuples()).toBe(1_500);
    await accept(500);
    expect(await refreshedWithin(1_500)).toEqual([]);
    await accept(1_100);
    expect(await refreshedWithin(15_000)).toEqual(['messages']);
    expect(await reltuples()).toBe(3_100);
  }, 40_000);

  it('fails only the accept call at fault when calls share a round trip', async () => {
    const store = await openProcess();
    const taken = newMessage();
    await store.acceptMessages([taken]);
    const good = [newMessage(), newMessage()];
    const [first, bad, second] = await Promise.allSettled([
      store.acceptMessages([good[0]!]),
      store.acceptMessages([newMessage({ id: taken.id, idempotencyKey: 'another-key' })]),
      store.acceptMessages([good[1]!]),
    ]);
    expect(bad?.status).toBe('rejected');
    expect(first).toMatchObject({ status: 'fulfilled', value: [{ result: 'created' }] });
    expect(second).toMatchObject({ status: 'fulfilled', value: [{ result: 'created' }] });
    expect((await store.countMessagesByStatus()).accepted).toBe(3);
  });

  it('finishes accepts already submitted when closed', async () => {
    const store = await openTestStore(schema);
    const m = newMessage();
    const accepted = store.acceptMessages([m]);
    await store.close();
    expect(await accepted).toMatchObject([{ result: 'created' }]);
    const reopened = await openProcess();
    expect(await reopened.getMessage(m.id)).toMatchObject({ id: m.id });
  });

  it('keeps the newest of several outcomes for one number given in one change', async () => {
    const store = await openProcess();
    const outcome = (outcome: 'reachable' | 'unreachable', at: number) =>
      ({ phoneHmac: 'h', channel: 'line_pnp', outcome, code: null, at }) as const;
    expect(
      await store.commit({
        reachability: [
          outcome('unreachable', T0 + 5),
          outcome('reachable', T0 + 9),
          outcome('unreachable', T0),
        ],
      }),
    ).toBe(true);
    expect(await store.getReachability('h', 'line_pnp')).toMatchObject({ outcome: 'reachable', at: T0 + 9 });
  });

  it('keeps server options given in the URL and still works in its own schema', async () => {
    const url = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=-c%20statement_timeout%3D12345`;
    const store = await openPostgresStore({ url, schema });
    opened.push(store);
    expect((await store.pool.query('SHOW statement_timeout')).rows).toEqual([
      { statement_timeout: '12345ms' },
    ]);
    await store.acceptMessages([newMessage()]);
    const count = await admin((c) => c.query(`SELECT count(*)::int AS n FROM ${schema}.messages`));
    expect(count.rows).toEqual([{ n: 1 }]);
  });

  it('fails to open with an error naming the server when it cannot be reached', async () => {
    await expect(openPostgresStore({ url: 'postgres://todoke:secret@127.0.0.1:1/todoke' })).rejects.toThrow(
      /^cannot open the PostgreSQL store at postgres:\/\/todoke@127\.0\.0\.1:1\/todoke: /,
    );
  });

  it('refuses a schema name that would need quoting', () => {
    expect(() => new PostgresStore({ url: DATABASE_URL, schema: 'Todoke-Prod' })).toThrow(
      /invalid schema name/,
    );
  });
});
