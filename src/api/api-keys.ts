import { createHash, randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import type { Clock } from '../core/clock.js';
import type { ApiKeyRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/** A new API key: `tdk_` and 24 random bytes in base64url (192 bits). */
export function generateApiKey(): string {
  return `tdk_${randomBytes(24).toString('base64url')}`;
}

/** What the store keeps instead of the key: SHA-256, hex. A fast hash is enough for 192 random bits. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Stores an API key under `name` and returns it with its record; the key is shown once and never stored.
 * Given an existing `key` (a bootstrap key from the environment), it is registered once: calling again returns
 * the stored record.
 */
export async function createApiKey(
  store: Store,
  name: string,
  clock: Clock,
  key: string = generateApiKey(),
): Promise<{ key: string; record: ApiKeyRecord }> {
  if (key.length < 16) throw new RangeError('an API key must be at least 16 characters long');
  const hash = hashApiKey(key);
  const existing = await store.findApiKeyByHash(hash);
  if (existing) return { key, record: existing };
  const record: ApiKeyRecord = {
    id: ulid(clock.now()),
    name,
    hash,
    prefix: key.slice(0, 8),
    createdAt: clock.now(),
    revokedAt: null,
  };
  try {
    await store.createApiKey(record);
  } catch (error) {
    // Processes starting together with the same bootstrap key: another one stored it first.
    const stored = await store.findApiKeyByHash(hash);
    if (stored) return { key, record: stored };
    throw error;
  }
  return { key, record };
}
