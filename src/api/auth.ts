import type { FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { ApiKeyRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { hashApiKey } from './api-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the request was made with (routes under /v1). */
    apiKey?: ApiKeyRecord;
  }
}

/** Known keys are re-read this often, so a revocation takes effect within seconds. */
const VALID_TTL_MS = 10_000;
/** Unknown keys are remembered briefly, so a flood of wrong keys does not reach the store. */
const INVALID_TTL_MS = 1_000;
const MAX_CACHED = 10_000;

const unauthorized = () =>
  new ApiError(
    401,
    'unauthorized',
    '有効な API キーが必要です / A valid API key is required: send "Authorization: Bearer <key>"',
  );

/**
 * An onRequest hook that admits requests bearing a valid, unrevoked API key. Lookups are cached in memory
 * for a few seconds: the API serves thousands of requests a second with a handful of keys.
 */
export function bearerAuth(store: Store, clock: Clock) {
  const cache = new Map<string, { record: ApiKeyRecord | null; until: number }>();

  async function lookup(hash: string): Promise<ApiKeyRecord | null> {
    const now = clock.now();
    const cached = cache.get(hash);
    if (cached && cached.until > now) return cached.record;
    const record = await store.findApiKeyByHash(hash);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(hash, { record, until: now + (record ? VALID_TTL_MS : INVALID_TTL_MS) });
    return record;
  }

  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized();
    const record = await lookup(hashApiKey(match[1]!));
    if (!record || (record.revokedAt !== null && record.revokedAt <= clock.now())) throw unauthorized();
    request.apiKey = record;
  };
}
