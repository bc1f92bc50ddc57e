import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_LINE, SANDBOX_TWILIO } from '../../src/runtime/sandbox-accounts.js';

export interface ClusterConfigOptions {
  lineBaseUrl: string;
  twilioBaseUrl: string;
  lineRateLimit: number;
  smsRateLimit: number;
  /** Requests in flight per account and process (default 64 for LINE, 32 for Twilio). */
  lineConcurrency?: number;
  smsConcurrency?: number;
  /** Request timeout of both accounts (default 10 s). */
  timeoutMs?: number;
  /** Waits of the `line-then-sms` route's steps, e.g. `20s`. */
  lineFallbackAfter: string;
  smsFallbackAfter: string;
  /** `engine:` settings, e.g. `{ lease: '3s', receiptGrace: '15s' }`. */
  engine?: Record<string, string | number>;
}

/**
 * A TODOKE_CONFIG file (JSON, which the YAML loader reads) for processes beside a standalone sandbox: account
 * `line-main` and `twilio-main` with the sandbox's credentials, and route `line-then-sms`.
 */
export function writeClusterConfig(file: string, o: ClusterConfigOptions): void {
  const config = {
    accounts: {
      'line-main': {
        provider: 'line',
        channelAccessToken: SANDBOX_LINE.accessToken,
        channelSecret: SANDBOX_LINE.channelSecret,
        baseUrl: o.lineBaseUrl,
        rateLimit: o.lineRateLimit,
        concurrency: o.lineConcurrency ?? 64,
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      },
      'twilio-main': {
        provider: 'twilio',
        accountSid: SANDBOX_TWILIO.accountSid,
        authToken: SANDBOX_TWILIO.authToken,
        from: '+15005550006',
        baseUrl: o.twilioBaseUrl,
        rateLimit: o.smsRateLimit,
        concurrency: o.smsConcurrency ?? 32,
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      },
    },
    routes: {
      'line-then-sms': {
        steps: [
          { channel: 'line_pnp', accounts: ['line-main'], fallbackAfter: o.lineFallbackAfter },
          { channel: 'sms', accounts: ['twilio-main'], fallbackAfter: o.smsFallbackAfter },
        ],
      },
    },
    ...(o.engine ? { engine: o.engine } : {}),
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
}

/**
 * The environment of cluster processes on PostgreSQL beside a standalone sandbox: the schema, the secret every
 * process must share, and the config file `todoke.json` in `dir` (writeClusterConfig).
 */
export function clusterEnv(o: {
  dir: string;
  databaseUrl: string;
  schema: string;
  secret: string;
}): Record<string, string> {
  return {
    TODOKE_DATABASE_URL: o.databaseUrl,
    TODOKE_DATABASE_SCHEMA: o.schema,
    TODOKE_SECRET: o.secret,
    TODOKE_CONFIG: join(o.dir, 'todoke.json'),
    TODOKE_SANDBOX: '0',
    TODOKE_LOG_LEVEL: 'warn',
  };
}
