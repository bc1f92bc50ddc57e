import { createHash } from 'node:crypto';

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of namespace and name, version and variant bits set). The same
 * name in the same namespace always gives the same UUID, on any machine.
 */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** todoke's namespace for retry keys (a fixed random UUID), so no other system's names make the same keys. */
const RETRY_KEY_NAMESPACE = '3f6d2b8e-91c4-4a7e-b5d0-6c2e8f1a9b47';

/**
 * The X-Line-Retry-Key of a push attempt: derived from the attempt's ID rather than drawn at random, so that any
 * process resending the same attempt (after a timeout, or after the sender crashed mid-request) sends the same
 * key without having stored it, and LINE answers 409 instead of delivering twice. Attempt IDs are unique ULIDs,
 * so two attempts never share a key; LINE keeps a key for 24 hours, longer than any attempt waits.
 */
export function retryKeyFor(attemptId: string): string {
  return uuidV5(RETRY_KEY_NAMESPACE, attemptId);
}
