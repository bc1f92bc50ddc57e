import type { PurposeCatalogue } from '../core/purposes.js';
import type { Route } from '../core/route.js';
import type { RuleLevels } from '../core/text/rules/content-rule.js';
import type { AccountBase } from '../providers/provider.js';

/** A provider account as configured: the common settings plus the provider's own fields (credentials, …). */
export type AccountConfig = AccountBase & Record<string, unknown>;

/** The whole configuration, parsed and validated once at start. Nothing else reads the environment. */
export interface TodokeConfig {
  host: string;
  port: number;
  dataDir: string;
  /** postgres://… for PostgreSQL; null for embedded SQLite under dataDir. */
  databaseUrl: string | null;
  /** PostgreSQL schema holding the tables (TODOKE_DATABASE_SCHEMA), so several deployments can share a database; default `public`. */
  databaseSchema?: string;
  /** Where providers reach this server (webhooks, callbacks), without a trailing slash. */
  publicUrl: string;
  /** Run the local provider emulators and point the default accounts at them. */
  sandbox: boolean;
  /** Server secret for HMACs of phone numbers (reachability memory, lookups). */
  secret: string;
  /** An API key to create at start if missing (for automation). */
  bootstrapApiKey: string | null;
  accounts: Record<string, AccountConfig>;
  routes: Record<string, Route>;
  /** Purposes messages may declare, by name, with what each allows (channels, consent, send window). */
  purposes: PurposeCatalogue;
  /** Content rule levels; a rule not named here has its default level. */
  contentRules: RuleLevels;
  reachability: {
    /** How long a definite "unreachable" on a channel makes the route skip that channel for the number. */
    unreachableTtlMs: number;
  };
  engine: {
    /** How long a claimed message stays leased to one engine before another may take it over. */
    leaseMs: number;
    /** Messages claimed per round. */
    claimBatch: number;
    /** Longest sleep between rounds when nothing is due. */
    idlePollMs: number;
    /** How long SIGTERM waits for in-flight requests before leaving them to lease expiry. */
    drainMs: number;
    /**
     * After a start, how long receipt waits are held open at least, so receipts providers redeliver after an
     * outage arrive before any fallback (default 60 s).
     */
    receiptGraceMs?: number;
    /**
     * How long applied receipts are kept before the engine deletes them (default 7 days). They serve to recognise
     * an event the provider sends again; one that comes back after this is applied again, which changes nothing.
     */
    receiptRetentionMs: number;
  };
  log: { level: string };
}
