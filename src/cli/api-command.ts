import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { CampaignClient } from './campaign-client.js';
import type { CampaignCliIo } from './campaign.js';

/** A command group that talks to the HTTP API with the operator's key: --url and --api-key, as `todoke campaign`. */
export function apiCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .option('--url <url>', 'todoke API URL (env TODOKE_URL, default http://127.0.0.1:8080)')
    .option('--api-key <key>', 'API key: it identifies you as the operator (env TODOKE_API_KEY)');
}

/** The API client for a subcommand of an apiCommand group. */
export function apiClient(cmd: Command, io: Pick<CampaignCliIo, 'env'>): CampaignClient {
  const opts = cmd.optsWithGlobals<{ url?: string; apiKey?: string }>();
  const key = opts.apiKey ?? io.env.TODOKE_API_KEY;
  if (!key) {
    throw new Error(
      'API キーが必要です: --api-key か TODOKE_API_KEY / An API key is needed: --api-key or TODOKE_API_KEY',
    );
  }
  const url = (opts.url ?? io.env.TODOKE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  return new CampaignClient(url, key);
}

/** A JSON argument, or the JSON in a file given as @path. */
export function jsonArgument(text: string): unknown {
  const source = text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text;
  try {
    return JSON.parse(source);
  } catch {
    throw new Error(`JSON として読めません / Not valid JSON: ${source.slice(0, 80)}`);
  }
}
