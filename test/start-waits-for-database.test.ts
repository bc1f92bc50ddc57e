import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from './support/cluster.js';
import { clusterEnv, writeClusterConfig } from './support/cluster-config.js';
import { TEST_DATABASE_URL, dropSchema, freshSchemaName } from './support/postgres-schema.js';

const API_KEY = 'tdk_start_waits_for_database_key_00000';
const WAITING = 'opening the store: the database is not available; trying again';

/**
 * A TCP door in front of PostgreSQL: while shut it hangs up on every connection at once (what clients of a
 * restarting server see), once opened it passes bytes both ways.
 */
async function databaseDoor(): Promise<{ port: number; open: () => void; close: () => Promise<void> }> {
  const target = new URL(TEST_DATABASE_URL);
  let opened = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (!opened) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    open: () => {
      opened = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('starting while the database is away', () => {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-start-waits-'));
  const schema = freshSchemaName('startwait');
  let cluster: Cluster | undefined;
  let door: Awaited<ReturnType<typeof databaseDoor>> | undefined;
  afterAll(async () => {
    await cluster?.stop(5_000);
    await door?.close();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an api and a worker process started while PostgreSQL hangs up on them wait for it and come up, instead of exiting', async () => {
    door = await databaseDoor();
    const url = new URL(TEST_DATABASE_URL);
    url.hostname = '127.0.0.1';
    url.port = String(door.port);
    cluster = await Cluster.create({
      dir,
      apiKey: API_KEY,
      env: clusterEnv({
        dir,
        databaseUrl: url.toString(),
        schema,
        secret: 'start-waits-test-secret-0000000000',
      }),
      nodes: [
        { name: 'api-1', role: 'api' },
        { name: 'worker-1', role: 'worker' },
      ],
    });
    writeClusterConfig(join(dir, 'todoke.json'), {
      lineBaseUrl: 'http://127.0.0.1:9',
      twilioBaseUrl: 'http://127.0.0.1:9',
      lineRateLimit: 100,
      smsRateLimit: 100,
      lineFallbackAfter: '1m',
      smsFallbackAfter: '1m',
    });
    // The door opens once both processes have met it and said they wait (at most 30 s: then the checks below
    // fail), however long their start takes on a busy machine.
    const waited = (name: string) => {
      try {
        return readFileSync(cluster!.logFile(name), 'utf8').includes(WAITING);
      } catch {
        return false;
      }
    };
    const shutUntil = Date.now() + 30_000;
    const opening = setInterval(() => {
      if ((waited('api-1') && waited('worker-1')) || Date.now() > shutUntil) {
        clearInterval(opening);
        door!.open();
      }
    }, 100);
    try {
      // Both at once, so each meets the shut door (startAll would start the worker after the api is up).
      await Promise.all([cluster.start('api-1', 60_000), cluster.start('worker-1', 60_000)]);
    } finally {
      clearInterval(opening);
    }
    expect(cluster.exits).toEqual([]);
    expect(await cluster.ready('api-1')).toBe(true);
    expect(await cluster.ready('worker-1')).toBe(true);
    for (const name of ['api-1', 'worker-1']) {
      expect(readFileSync(cluster.logFile(name), 'utf8')).toContain(WAITING);
    }
    // The key the api registered once the database answered works.
    const response = await fetch(`${cluster.apiUrl}/v1/messages?limit=1`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(response.status).toBe(200);
  }, 90_000);
});
