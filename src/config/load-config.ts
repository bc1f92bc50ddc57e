import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { priceBookProblem } from '../core/price-book.js';
import { parseDuration, type Route } from '../core/route.js';
import { getProvider } from '../providers/registry.js';
import type { AccountConfig, TodokeConfig } from './config.js';
import { resolveContentRules, resolvePurposes } from './purposes-config.js';
import { Duration, RouteStepInput, defaultRoutes, resolveRouteSteps } from './route-steps.js';

export {
  RouteStepInput,
  accountChannels,
  accountsForChannel,
  defaultRoutes,
  resolveRouteSteps,
  type StepProblem,
} from './route-steps.js';

/** The configuration cannot be used; `problems` lists every one found, each naming its key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;
type Problems = string[];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** Account and route names appear in webhook URLs and CLI arguments. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const FileSchema = z.strictObject({
  publicUrl: z.url().optional(),
  secret: z.string().min(16, 'must be at least 16 characters').optional(),
  accounts: z.record(z.string().regex(NAME, 'names use letters, digits, - and _'), z.unknown()).optional(),
  routes: z
    .record(
      z.string().regex(NAME, 'names use letters, digits, - and _'),
      z.strictObject({ steps: z.array(RouteStepInput).min(1) }),
    )
    .optional(),
  /** A list of names, or a mapping of names to their settings: see purposes-config.ts. */
  purposes: z.unknown().optional(),
  /** Content rule levels by rule id (off, warn, block). */
  contentRules: z.unknown().optional(),
  reachability: z.strictObject({ unreachableTtl: Duration.optional() }).optional(),
  engine: z
    .strictObject({
      lease: Duration.optional(),
      claimBatch: z.int().min(1).max(10_000).optional(),
      idlePoll: Duration.optional(),
      drain: Duration.optional(),
      receiptGrace: Duration.optional(),
      receiptRetention: Duration.optional(),
    })
    .optional(),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).optional() }).optional(),
});

type FileSettings = z.infer<typeof FileSchema>;

/** Each top-level section on its own, so a mistake in one does not hide the problems of the others. */
function parseSections(raw: Record<string, unknown>, problems: Problems): FileSettings {
  const shape = FileSchema.shape;
  const file: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(shape, key)) {
      problems.push(`${key}: unknown setting (known: ${Object.keys(shape).join(', ')})`);
      continue;
    }
    const parsed = shape[key as keyof typeof shape].safeParse(value, { error: errorMap });
    if (parsed.success) file[key] = parsed.data;
    else collectIssues(problems, key, parsed.error.issues);
  }
  return file as FileSettings;
}

const PriceBookInput = z
  .strictObject({
    unit: z.number().nonnegative().optional(),
    tiers: z
      .array(z.strictObject({ upTo: z.int().positive().optional(), unit: z.number().nonnegative() }))
      .min(1)
      .optional(),
    mode: z.enum(['graduated', 'volume']).optional(),
  })
  .superRefine((book, ctx) => {
    if ((book.unit === undefined) === (book.tiers === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set either unit (yen per unit) or tiers', path: [] });
    } else if (book.tiers !== undefined) {
      const problem = priceBookProblem({ tiers: book.tiers });
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: ['tiers'] });
    } else if (book.mode !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'mode applies to tiers only', path: ['mode'] });
    }
  });

const AccountCommon = z.looseObject({
  provider: z.string().min(1),
  baseUrl: z.url().optional(),
  rateLimit: z.number().positive().optional(),
  concurrency: z.int().min(1).optional(),
  timeoutMs: z.int().min(1).optional(),
  /**
   * Yen per billable unit (SMS part or carrier unit, delivered LINE message): attempt costs and previews. A flat
   * `unit`, or `tiers` by the account's units this month (graduated, or `mode: volume`).
   */
  price: PriceBookInput.optional(),
});
const COMMON_KEYS = new Set([
  'name',
  'provider',
  'baseUrl',
  'rateLimit',
  'concurrency',
  'timeoutMs',
  'price',
]);

/** Zod's wording, except a missing key simply says `required`. */
const errorMap = (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : undefined);

function collectIssues(problems: Problems, prefix: string, issues: readonly z.core.$ZodIssue[]): void {
  for (const issue of issues) {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    problems.push(`${path || '(file)'}: ${issue.message}`);
  }
}

/** Replaces `${NAME}` in every string with the environment variable NAME; `$${` stays a literal `${`. */
function substituteEnv(value: unknown, env: Env, path: string, problems: Problems): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string) => {
      if (match.startsWith('$$')) return match.slice(1);
      const found = env[name];
      if (found === undefined) {
        problems.push(`${path}: environment variable ${name} is not set`);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, `${path}.${i}`, problems));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        substituteEnv(item, env, path ? `${path}.${key}` : key, problems),
      ]),
    );
  }
  return value;
}

function validateAccount(name: string, raw: unknown, problems: Problems): AccountConfig | null {
  const path = `accounts.${name}`;
  const common = AccountCommon.safeParse(raw, { error: errorMap });
  if (!common.success) {
    collectIssues(problems, path, common.error.issues);
    return null;
  }
  const provider = getProvider(common.data.provider);
  if (!provider) {
    problems.push(`${path}.provider: unknown provider "${common.data.provider}"`);
    return null;
  }
  const own = Object.fromEntries(Object.entries(common.data).filter(([key]) => !COMMON_KEYS.has(key)));
  const specific = provider.accountSchema.safeParse(own, { error: errorMap });
  if (!specific.success) {
    collectIssues(problems, path, specific.error.issues);
    return null;
  }
  return {
    ...(specific.data as Record<string, unknown>),
    name,
    provider: provider.id,
    baseUrl: (common.data.baseUrl ?? provider.defaultBaseUrl).replace(/\/+$/, ''),
    rateLimit: common.data.rateLimit ?? 100,
    concurrency: common.data.concurrency ?? 32,
    timeoutMs: common.data.timeoutMs ?? 10_000,
    ...(common.data.price ? { price: common.data.price } : {}),
  };
}

function readConfigFile(
  env: Env,
  readFile: (path: string) => string,
  problems: Problems,
): Record<string, unknown> {
  const path = env.TODOKE_CONFIG;
  if (!path) return {};
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    problems.push(`TODOKE_CONFIG: cannot read "${path}": ${(error as Error).message}`);
    return {};
  }
  try {
    const parsed: unknown = parseYaml(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push(`TODOKE_CONFIG: "${path}" must hold a mapping of settings`);
      return {};
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    problems.push(`TODOKE_CONFIG: "${path}" is not valid YAML or JSON: ${(error as Error).message}`);
    return {};
  }
}

function envPort(env: Env, problems: Problems): number {
  const raw = env.TODOKE_PORT;
  if (raw === undefined || raw === '') return 8080;
  const port = Number(raw);
  if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
  problems.push(`TODOKE_PORT: must be a port number from 0 to 65535, got "${raw}"`);
  return 8080;
}

function envFlag(env: Env, name: string, fallback: boolean, problems: Problems): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  problems.push(`${name}: must be 1 or 0, got "${env[name]}"`);
  return fallback;
}

function envUrl(env: Env, name: string, problems: Problems): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (z.url().safeParse(raw).success) return raw;
  problems.push(`${name}: must be an absolute URL, got "${raw}"`);
  return undefined;
}

/** The PostgreSQL store's own rule: a schema name that never needs quoting. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function envSchema(env: Env, problems: Problems): string | undefined {
  const raw = env.TODOKE_DATABASE_SCHEMA;
  if (raw === undefined || raw === '') return undefined;
  if (!env.TODOKE_DATABASE_URL) {
    problems.push('TODOKE_DATABASE_SCHEMA: applies to PostgreSQL only; set TODOKE_DATABASE_URL too');
    return undefined;
  }
  if (SCHEMA_NAME.test(raw)) return raw;
  problems.push(
    `TODOKE_DATABASE_SCHEMA: use lowercase letters, digits and _ (at most 63, not starting with a digit), got "${raw}"`,
  );
  return undefined;
}

const ms = (value: string | number | undefined, fallback: number) =>
  value === undefined ? fallback : parseDuration(value);

/**
 * Reads the whole configuration once at start: environment variables, then the file named by TODOKE_CONFIG
 * (YAML or JSON, `${NAME}` taken from the environment). Throws a ConfigError listing every problem.
 */
export function loadConfig(
  env: Env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): TodokeConfig {
  const problems: Problems = [];
  const port = envPort(env, problems);
  const sandbox = envFlag(env, 'TODOKE_SANDBOX', true, problems);
  const envPublicUrl = envUrl(env, 'TODOKE_PUBLIC_URL', problems);
  const databaseSchema = envSchema(env, problems);
  const envLogLevel = env.TODOKE_LOG_LEVEL || undefined;
  if (envLogLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(envLogLevel)) {
    problems.push(`TODOKE_LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}, got "${envLogLevel}"`);
  }

  const raw = substituteEnv(readConfigFile(env, readFile, problems), env, '', problems) as Record<
    string,
    unknown
  >;
  const file = parseSections(raw, problems);

  const accounts: Record<string, AccountConfig> = {};
  for (const [name, account] of Object.entries(file.accounts ?? {})) {
    const valid = validateAccount(name, account, problems);
    if (valid) accounts[name] = valid;
  }
  // Route problems about accounts that failed their own validation would only repeat those problems.
  const accountsOk = Object.keys(accounts).length === Object.keys(file.accounts ?? {}).length;

  let routes: Record<string, Route> = {};
  if (file.routes === undefined || Object.keys(file.routes).length === 0) routes = defaultRoutes(accounts);
  else {
    for (const [name, route] of Object.entries(file.routes)) {
      const resolved = resolveRouteSteps(route.steps, accounts);
      if (resolved.ok) routes[name] = { name, steps: resolved.steps };
      else if (accountsOk) {
        for (const p of resolved.problems) {
          const at = p.account === undefined ? 'accounts' : `accounts.${p.account}`;
          problems.push(`routes.${name}.steps.${p.step}.${at}: ${p.message}`);
        }
      }
    }
  }

  const purposes = resolvePurposes(file.purposes, problems);
  const contentRules = resolveContentRules(file.contentRules, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: env.TODOKE_HOST || '0.0.0.0',
    port,
    dataDir: env.TODOKE_DATA_DIR || './data',
    databaseUrl: env.TODOKE_DATABASE_URL || null,
    ...(databaseSchema ? { databaseSchema } : {}),
    publicUrl: (envPublicUrl ?? file.publicUrl ?? `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    sandbox,
    secret: env.TODOKE_SECRET || file.secret || '',
    bootstrapApiKey: env.TODOKE_BOOTSTRAP_API_KEY || null,
    accounts,
    routes,
    purposes,
    contentRules,
    reachability: { unreachableTtlMs: ms(file.reachability?.unreachableTtl, 30 * 86_400_000) },
    engine: {
      leaseMs: ms(file.engine?.lease, 30_000),
      claimBatch: file.engine?.claimBatch ?? 256,
      idlePollMs: ms(file.engine?.idlePoll, 200),
      drainMs: ms(file.engine?.drain, 10_000),
      receiptGraceMs: ms(file.engine?.receiptGrace, 60_000),
      receiptRetentionMs: ms(file.engine?.receiptRetention, 7 * 86_400_000),
    },
    log: { level: envLogLevel ?? file.log?.level ?? 'info' },
  };
}
