import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createApp } from '../api/create-app.js';
import { TemplateResolver } from '../api/template-resolver.js';
import { CampaignRunner } from '../campaigns/runner/campaign-runner.js';
import type { TodokeConfig } from '../config/config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { closeAccounts, createAccounts } from '../engine/accounts.js';
import { RecentMessages } from '../engine/recent-messages.js';
import { Circuits } from '../engine/circuits.js';
import { Engine } from '../engine/engine.js';
import { MonthlyUsage } from '../engine/monthly-usage.js';
import type { PriceBook } from '../core/price-book.js';
import type { EngineContext } from '../engine/engine-context.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import type { SignalTopic, Store } from '../store/store.js';
import { dataDirSecret } from './data-dir-secret.js';
import type { MessageRecord } from '../store/records.js';
import { createIdFactory } from './id-factory.js';
import { openStore } from './open-store.js';
import { whileDatabaseUnavailable } from './while-database-unavailable.js';
import { DEMO_NUMBERS, sandboxAccounts, sandboxRoutes } from './sandbox-accounts.js';

/**
 * What a process does: `all` (API + engine + sandbox: one machine), `api` (HTTP API and webhooks), `worker`
 * (the engine, with health and metrics). Any number of `api` and `worker` processes share one PostgreSQL store.
 */
export type Role = 'all' | 'api' | 'worker';

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  role?: Role;
  /** Run the engine (default: unless the role is `api`). */
  engine?: boolean;
  /** Set up the demo numbers in the sandbox (default true when the sandbox runs). */
  demo?: boolean;
}

export interface Todoke {
  url: string;
  config: TodokeConfig;
  app: FastifyInstance;
  store: Store;
  engine: Engine | null;
  sandbox: Sandbox | null;
  metrics: Metrics;
  logger: Logger;
  /** Stops taking requests, drains the engine, closes everything. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts API + engine (+ sandbox) on the embedded store: what `todoke start` runs, and what end-to-end tests run. */
export async function startTodoke(baseConfig: TodokeConfig, options: StartOptions = {}): Promise<Todoke> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(baseConfig.log.level);
  const role = options.role ?? 'all';
  if (baseConfig.databaseUrl && !baseConfig.secret) {
    // Every process must key phone-number HMACs alike, or reachability memory and lookups break between them.
    throw new Error(
      'a server secret is required with TODOKE_DATABASE_URL: set TODOKE_SECRET (or `secret` in the config file)',
    );
  }
  mkdirSync(baseConfig.dataDir, { recursive: true });
  let config: TodokeConfig = {
    ...baseConfig,
    secret: baseConfig.secret || dataDirSecret(baseConfig.dataDir),
  };

  let sandbox: Sandbox | null = null;
  if (config.sandbox && role !== 'all') {
    logger.info(
      { role },
      'the sandbox runs only with role all; run `todoke sandbox` beside api and worker processes',
    );
  }
  if (config.sandbox && role === 'all') {
    sandbox = await startSandbox({ dataDir: config.dataDir, host: '127.0.0.1' });
    if (Object.keys(config.accounts).length === 0) {
      const accounts = sandboxAccounts(sandbox, config.publicUrl);
      config = { ...config, accounts, routes: { ...sandboxRoutes(accounts), ...config.routes } };
    }
    if (options.demo !== false) for (const demo of DEMO_NUMBERS) sandbox.setNumber(demo.phone, demo.settings);
  }

  const store = await whileDatabaseUnavailable('opening the store', () => openStore(config, clock), {
    logger,
  });
  const metrics = createMetrics();
  const accounts = createAccounts(config.accounts, {}, store);
  const usage = new MonthlyUsage(
    new Map(
      [...accounts.values()].flatMap((a) => (a.price ? [[a.name, a.price] as [string, PriceBook]] : [])),
    ),
    (account, since) => store.unitsUsedSince(account, since),
    () => clock.now(),
  );
  const circuits = new Circuits(clock, (account, open) => metrics.circuitOpen.set({ account }, open ? 1 : 0));
  const ctx: EngineContext = {
    store,
    config,
    clock,
    logger,
    metrics,
    accounts,
    circuits,
    owner: `engine-${randomUUID()}`,
    newId: createIdFactory(clock),
    random: Math.random,
    receiptGrace: { startedAt: 0, until: 0 },
    recent: new RecentMessages(),
    priceUnits: (attempt, units) => usage.price(attempt.account, attempt.units ?? 0, units),
  };
  if (Object.keys(config.accounts).length === 0) {
    throw new Error('no provider accounts are configured: name them in the TODOKE_CONFIG file');
  }
  const engine = options.engine === false || role === 'api' ? null : new Engine(ctx);
  // Tiered prices need this month's volume before the first attempt is priced.
  if (engine) await whileDatabaseUnavailable('reading this month’s usage', () => usage.start(), { logger });
  // Campaigns turn their recipients into messages where the engine runs, at each campaign's throttle.
  const campaignRunner =
    engine === null
      ? null
      : new CampaignRunner(
          {
            store,
            config,
            clock,
            newId: ctx.newId,
            templates: new TemplateResolver(store),
            onAccepted: () => {
              engine.wake();
              store.signal?.('due');
            },
          },
          `campaigns-${ctx.owner}`,
          { logger },
        );
  const onSignal = (topic: SignalTopic) => {
    if (topic === 'due') engine?.wake();
    else engine?.wakeReceipts();
  };
  const unsubscribe = store.subscribe
    ? await whileDatabaseUnavailable('listening for signals', () => store.subscribe!(onSignal), { logger })
    : undefined;

  const app = await createApp({
    store,
    config,
    clock,
    logger,
    metrics,
    newId: ctx.newId,
    onAccepted: () => {
      engine?.wake();
      store.signal?.('due');
    },
    ...(engine
      ? {
          realtimeHandOver: {
            lease: (now: number) => engine.leaseForRealtime(now),
            adopt: (message: MessageRecord, stored: Promise<MessageRecord | null>) =>
              engine.adopt(message, stored),
          },
        }
      : {}),
    onReceipts: () => {
      engine?.wakeReceipts();
      store.signal?.('receipts');
    },
    surface: role === 'worker' ? 'ops' : 'full',
    ...(sandbox ? { sandboxControl: sandbox.controlPlugin } : {}),
    ready: () => engine === null || engine.isRunning,
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  engine?.start();
  campaignRunner?.start();

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    app,
    store,
    engine,
    sandbox,
    metrics,
    logger,
    close() {
      closing ??= (async () => {
        await app.close();
        await campaignRunner?.stop();
        await unsubscribe?.();
        await engine?.stop();
        usage.stop();
        await closeAccounts(accounts);
        await sandbox?.close();
        await store.close();
      })();
      return closing;
    },
  };
}
