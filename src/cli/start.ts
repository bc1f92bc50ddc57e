import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { createApiKey } from '../api/api-keys.js';
import { loadConfig } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import { DEMO_NUMBERS } from '../runtime/sandbox-accounts.js';
import { startTodoke, type Role, type Todoke } from '../runtime/start-todoke.js';
import { whileDatabaseUnavailable } from '../runtime/while-database-unavailable.js';

/** `todoke start`: API + engine (+ sandbox) until SIGTERM/SIGINT, which drain in-flight work before exiting. */
export function startCommand(): Command {
  return new Command('start')
    .description('run the API and the delivery engine')
    .addOption(
      new Option('--role <role>', 'all: API + engine (+ sandbox); api: HTTP API only; worker: engine only')
        .choices(['all', 'api', 'worker'])
        .default('all'),
    )
    .action(async (options: { role: Role }) => {
      const config = loadConfig(process.env);
      const todoke = await startTodoke(config, { role: options.role });
      const key = await whileDatabaseUnavailable('registering the API key', () => apiKeyToShow(todoke), {
        logger: todoke.logger,
      });
      printWelcome(todoke, key);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        todoke.logger.info({ signal }, 'stopping: draining in-flight work');
        todoke.close().then(
          () => process.exit(0),
          (error: unknown) => {
            todoke.logger.error({ err: error }, 'error while stopping');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}

/**
 * TODOKE_BOOTSTRAP_API_KEY is registered if missing. Otherwise, a store with no key at all gets a demo key, kept
 * in the data dir so later starts can show it again.
 */
async function apiKeyToShow(todoke: Todoke): Promise<string | null> {
  const { config, store } = todoke;
  if (config.bootstrapApiKey) {
    await createApiKey(store, 'bootstrap', systemClock, config.bootstrapApiKey);
    return null;
  }
  const demoFile = join(config.dataDir, 'demo-api-key');
  if (existsSync(demoFile)) return readFileSync(demoFile, 'utf8').trim();
  if ((await store.listApiKeys()).length > 0) return null;
  const { key } = await createApiKey(store, 'demo', systemClock);
  writeFileSync(demoFile, `${key}\n`, { mode: 0o600 });
  return key;
}

function printWelcome(todoke: Todoke, key: string | null): void {
  const lines = [
    '',
    `  届け todoke is running — ${todoke.url}`,
    `  API docs / OpenAPI:  ${todoke.url}/docs`,
    `  Metrics:             ${todoke.url}/metrics`,
    `  Data:                ${todoke.config.dataDir}`,
  ];
  if (key) lines.push(`  Demo API key:        ${key}`);
  if (todoke.sandbox) {
    lines.push(
      '',
      '  Sandbox providers are on (TODOKE_SANDBOX=0 turns them off). Demo numbers:',
      ...DEMO_NUMBERS.map((d) => `    ${d.phone}  ${d.note}`),
      '',
      '  Try it:',
      `    curl -s ${todoke.url}/v1/messages -H "Authorization: Bearer ${key ?? '<your key>'}" \\`,
      `      -H 'Content-Type: application/json' \\`,
      `      -d '{"to":{"phone":"090-1000-0002"},"purpose":"shipping_notice","route":"line-then-sms","text":"ご注文の商品を発送しました。"}'`,
      `    curl -s '${todoke.url}/__sandbox/ledger?to=%2B819010000002'`,
    );
  }
  console.log(lines.join('\n') + '\n');
}
