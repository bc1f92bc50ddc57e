import { Command } from 'commander';
import { createApiKey } from '../api/api-keys.js';
import { loadConfig } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import { openStore } from '../runtime/open-store.js';

/** `todoke keys create --name NAME` prints a new API key once; `todoke keys list` shows names and prefixes. */
export function keysCommand(): Command {
  const keys = new Command('keys').description('manage API keys');
  keys
    .command('create')
    .description('create an API key and print it (it is shown only once)')
    .requiredOption('--name <name>', 'who or what uses the key, e.g. billing-batch')
    .action(async (options: { name: string }) => {
      const config = loadConfig(process.env);
      const store = await openStore(config);
      try {
        const { key } = await createApiKey(store, options.name, systemClock);
        console.log(key);
      } finally {
        await store.close();
      }
    });
  keys
    .command('list')
    .description('list API keys (names and prefixes; keys themselves are never stored)')
    .action(async () => {
      const config = loadConfig(process.env);
      const store = await openStore(config);
      try {
        for (const k of await store.listApiKeys()) {
          const state = k.revokedAt ? 'revoked' : 'active';
          console.log(`${k.prefix}…  ${k.name}  ${new Date(k.createdAt).toISOString()}  ${state}`);
        }
      } finally {
        await store.close();
      }
    });
  keys
    .command('revoke')
    .description('revoke an API key by its id or the prefix shown by `keys list`')
    .argument('<id-or-prefix>')
    .action(async (idOrPrefix: string) => {
      const config = loadConfig(process.env);
      const store = await openStore(config);
      try {
        if (!(await store.revokeApiKey(idOrPrefix, Date.now()))) {
          console.error(`有効なキーが見つかりません / No active key matches "${idOrPrefix}"`);
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });
  return keys;
}
