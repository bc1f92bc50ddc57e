import { describe, expect, it } from 'vitest';
import { DEFAULT_PURPOSES } from '../core/purposes.js';
import { ConfigError, loadConfig, resolveRouteSteps } from './load-config.js';

const files = (content: string) => (path: string) => {
  if (path !== '/etc/todoke.yml' && path !== '/etc/todoke.json') throw new Error(`ENOENT: ${path}`);
  return content;
};

const YAML_CONFIG = `
publicUrl: https://notify.example.co.jp/
accounts:
  line-main: { provider: line, channelAccessToken: "\${LINE_TOKEN}", channelSecret: "\${LINE_SECRET}", rateLimit: 2000 }
  twilio:
    provider: twilio
    accountSid: AC123
    authToken: \${TWILIO_TOKEN}
    from: "+15005550006"
routes:
  line-then-sms:
    steps:
      - { channel: line_pnp, accounts: [line-main], fallbackAfter: 10m }
      - { channel: sms, retry: { maxAttempts: 2, initialBackoff: 2s } }
reachability: { unreachableTtl: 7d }
engine: { lease: 1m, claimBatch: 64, receiptRetention: 3d }
`;
const SECRETS = { LINE_TOKEN: 'line-token', LINE_SECRET: 'line-secret', TWILIO_TOKEN: 'twilio-token' };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives working defaults with no file and no environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      dataDir: './data',
      databaseUrl: null,
      publicUrl: 'http://127.0.0.1:8080',
      sandbox: true,
      secret: '',
      bootstrapApiKey: null,
      accounts: {},
      routes: {},
      reachability: { unreachableTtlMs: 30 * 86_400_000 },
      engine: {
        leaseMs: 30_000,
        claimBatch: 256,
        idlePollMs: 200,
        drainMs: 10_000,
        receiptGraceMs: 60_000,
        receiptRetentionMs: 7 * 86_400_000,
      },
      log: { level: 'info' },
    });
    expect(Object.keys(config.purposes)).toEqual(DEFAULT_PURPOSES);
  });

  it('reads the environment', () => {
    const config = loadConfig({
      TODOKE_PORT: '9090',
      TODOKE_HOST: '127.0.0.1',
      TODOKE_DATA_DIR: '/var/lib/todoke',
      TODOKE_DATABASE_URL: 'postgres://db/todoke',
      TODOKE_SANDBOX: '0',
      TODOKE_SECRET: 'a-very-long-server-secret',
      TODOKE_BOOTSTRAP_API_KEY: 'tdk_bootstrap',
      TODOKE_LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 9090,
      host: '127.0.0.1',
      dataDir: '/var/lib/todoke',
      databaseUrl: 'postgres://db/todoke',
      sandbox: false,
      publicUrl: 'http://127.0.0.1:9090',
      secret: 'a-very-long-server-secret',
      bootstrapApiKey: 'tdk_bootstrap',
      log: { level: 'debug' },
    });
  });

  it('takes the PostgreSQL schema from TODOKE_DATABASE_SCHEMA, and leaves it to the store when unset', () => {
    const url = 'postgres://db/todoke';
    expect(loadConfig({ TODOKE_DATABASE_URL: url, TODOKE_DATABASE_SCHEMA: 'tenant_a' }).databaseSchema).toBe(
      'tenant_a',
    );
    expect(loadConfig({ TODOKE_DATABASE_URL: url }).databaseSchema).toBeUndefined();
  });

  it('refuses a schema that would need quoting, or one given without a PostgreSQL URL', () => {
    expect(
      problemsOf(() =>
        loadConfig({ TODOKE_DATABASE_URL: 'postgres://db/todoke', TODOKE_DATABASE_SCHEMA: 'Tenant-A' }),
      ),
    ).toEqual([
      'TODOKE_DATABASE_SCHEMA: use lowercase letters, digits and _ (at most 63, not starting with a digit), got "Tenant-A"',
    ]);
    expect(problemsOf(() => loadConfig({ TODOKE_DATABASE_SCHEMA: 'tenant_a' }))).toEqual([
      'TODOKE_DATABASE_SCHEMA: applies to PostgreSQL only; set TODOKE_DATABASE_URL too',
    ]);
  });

  it('reads a YAML file, taking ${NAME} from the environment and filling account defaults', () => {
    const config = loadConfig({ TODOKE_CONFIG: '/etc/todoke.yml', ...SECRETS }, files(YAML_CONFIG));
    expect(config.publicUrl).toBe('https://notify.example.co.jp');
    expect(config.accounts['line-main']).toEqual({
      name: 'line-main',
      provider: 'line',
      baseUrl: 'https://api.line.me',
      rateLimit: 2000,
      concurrency: 32,
      timeoutMs: 10_000,
      channelAccessToken: 'line-token',
      channelSecret: 'line-secret',
    });
    expect(config.accounts.twilio).toMatchObject({
      authToken: 'twilio-token',
      rateLimit: 100,
      baseUrl: 'https://api.twilio.com',
    });
    expect(config.routes['line-then-sms']).toEqual({
      name: 'line-then-sms',
      steps: [
        {
          channel: 'line_pnp',
          accounts: ['line-main'],
          fallbackAfterMs: 600_000,
          retry: { maxAttempts: 4, initialBackoffMs: 1_000, maxBackoffMs: 60_000 },
        },
        {
          channel: 'sms',
          accounts: ['twilio'],
          fallbackAfterMs: 30 * 60_000,
          retry: { maxAttempts: 2, initialBackoffMs: 2_000, maxBackoffMs: 60_000 },
        },
      ],
    });
    expect(config.reachability.unreachableTtlMs).toBe(7 * 86_400_000);
    expect(config.engine).toEqual({
      leaseMs: 60_000,
      claimBatch: 64,
      idlePollMs: 200,
      drainMs: 10_000,
      receiptGraceMs: 60_000,
      receiptRetentionMs: 3 * 86_400_000,
    });
  });

  it('prefers TODOKE_PUBLIC_URL and TODOKE_SECRET over the file', () => {
    const json = JSON.stringify({ publicUrl: 'https://file.example', secret: 'file-secret-0123456789' });
    const config = loadConfig(
      {
        TODOKE_CONFIG: '/etc/todoke.json',
        TODOKE_PUBLIC_URL: 'https://env.example/',
        TODOKE_SECRET: 'env-secret',
      },
      files(json),
    );
    expect(config.publicUrl).toBe('https://env.example');
    expect(config.secret).toBe('env-secret');
    expect(loadConfig({ TODOKE_CONFIG: '/etc/todoke.json' }, files(json)).secret).toBe(
      'file-secret-0123456789',
    );
  });

  it('builds the default routes from the accounts when the file names none', () => {
    const withoutRoutes = YAML_CONFIG.slice(0, YAML_CONFIG.indexOf('routes:'));
    const config = loadConfig({ TODOKE_CONFIG: '/etc/todoke.yml', ...SECRETS }, files(withoutRoutes));
    expect(Object.keys(config.routes)).toEqual(['line-then-sms', 'sms-only', 'line-only']);
    expect(
      config.routes['line-then-sms']!.steps.map((s) => [s.channel, s.accounts, s.fallbackAfterMs]),
    ).toEqual([
      ['line_pnp', ['line-main'], 900_000],
      ['sms', ['twilio'], 1_800_000],
    ]);

    const smsOnly = loadConfig(
      { TODOKE_CONFIG: '/etc/todoke.yml', ...SECRETS },
      files('accounts:\n  tw: { provider: twilio, accountSid: AC1, authToken: t, from: "+15005550006" }\n'),
    );
    expect(Object.keys(smsOnly.routes)).toEqual(['sms-only']);
  });

  it('names the key and the variable when an environment variable is missing', () => {
    const problems = problemsOf(() =>
      loadConfig({ TODOKE_CONFIG: '/etc/todoke.yml', LINE_TOKEN: 'x', LINE_SECRET: 'y' }, files(YAML_CONFIG)),
    );
    expect(problems).toContain('accounts.twilio.authToken: environment variable TWILIO_TOKEN is not set');
  });

  it('lists every problem at once, each naming its key', () => {
    const broken = `
accounts:
  twilio: { provider: twilio, accountSid: AC1, from: "+15005550006" }
  line-main: { provider: line, channelAccessToken: t, channelSecret: s, rateLimit: -1 }
  other: { provider: pigeon }
routes:
  r1: { steps: [{ channel: fax }] }
purposes: [Payment Reminder]
engine: { lease: soon }
colour: blue
`;
    const problems = problemsOf(() =>
      loadConfig({ TODOKE_CONFIG: '/etc/todoke.yml', TODOKE_PORT: 'eighty' }, files(broken)),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'TODOKE_PORT: must be a port number from 0 to 65535, got "eighty"',
        'accounts.twilio.authToken: required',
        expect.stringMatching(/^accounts\.line-main\.rateLimit: /),
        'accounts.other.provider: unknown provider "pigeon"',
        expect.stringMatching(/^routes\.r1\.steps\.0\.channel: /),
        'purposes.0: use lower_snake_case',
        expect.stringMatching(/^engine\.lease: must be a duration/),
        expect.stringMatching(/^colour: unknown setting/),
      ]),
    );
  });

  it('refuses routes naming unknown accounts or accounts of another channel', () => {
    const config = YAML_CONFIG.replace('accounts: [line-main]', 'accounts: [twilio]').replace(
      '- { channel: sms, retry',
      '- { channel: sms, accounts: [karaden], retry',
    );
    const problems = problemsOf(() =>
      loadConfig({ TODOKE_CONFIG: '/etc/todoke.yml', ...SECRETS }, files(config)),
    );
    expect(problems).toEqual([
      'routes.line-then-sms.steps.0.accounts.0: account "twilio" (twilio) does not serve channel line_pnp',
      'routes.line-then-sms.steps.1.accounts.0: no account named "karaden"',
    ]);
  });

  it('reports an unreadable or unparsable file', () => {
    expect(problemsOf(() => loadConfig({ TODOKE_CONFIG: '/nowhere.yml' }, files('')))[0]).toMatch(
      /^TODOKE_CONFIG: cannot read "\/nowhere.yml"/,
    );
    expect(
      problemsOf(() => loadConfig({ TODOKE_CONFIG: '/etc/todoke.yml' }, files('accounts: [')))[0],
    ).toMatch(/^TODOKE_CONFIG: "\/etc\/todoke.yml" is not valid YAML or JSON/);
  });

  it('keeps a literal ${ written as $${', () => {
    const config = loadConfig(
      { TODOKE_CONFIG: '/etc/todoke.yml' },
      files(
        'accounts:\n  tw: { provider: twilio, accountSid: AC1, authToken: "a$${b}", from: "+15005550006" }\n',
      ),
    );
    expect(config.accounts.tw!.authToken).toBe('a${b}');
  });
});

describe('resolveRouteSteps', () => {
  const { accounts } = loadConfig({ TODOKE_CONFIG: '/etc/todoke.yml', ...SECRETS }, files(YAML_CONFIG));

  it('defaults accounts to every account of the channel and waits to the channel default', () => {
    const result = resolveRouteSteps(
      [{ channel: 'line_pnp' }, { channel: 'sms', fallbackAfter: '1h' }],
      accounts,
    );
    expect(result).toMatchObject({
      ok: true,
      steps: [
        { channel: 'line_pnp', accounts: ['line-main'], fallbackAfterMs: 900_000 },
        { channel: 'sms', accounts: ['twilio'], fallbackAfterMs: 3_600_000 },
      ],
    });
  });

  it('says when no account serves a channel', () => {
    expect(resolveRouteSteps([{ channel: 'email' }], accounts)).toEqual({
      ok: false,
      problems: [{ step: 0, code: 'no_account_for_channel', message: 'no account serves channel email' }],
    });
  });
});
