import { errorChain } from '../core/error-chain.js';
import type { SendOutcome } from '../core/outcome.js';

/**
 * What a failed HTTP exchange means when the provider gave no answer, shared by every provider client.
 *
 * The one question that matters: could the provider have received the request? If not, sending it again
 * is safe (retryable). If it might have — the request was written and then the answer never came — a resend
 * could deliver twice, and no SMS API nor LINE PNP offers an idempotency key, so the outcome is unknown.
 */

/** The request never left: nothing reached the provider. */
const NOT_SENT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  // TLS refused before any request byte was written.
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not verifiable',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  // The client was closed (shutdown) while the request still waited in its queue.
  UND_ERR_CLOSED: 'client closed before sending',
};

/** The request may have been written: the provider may have taken it. */
const MAYBE_SENT: Readonly<Record<string, string>> = {
  UND_ERR_HEADERS_TIMEOUT: 'no answer within the timeout',
  UND_ERR_BODY_TIMEOUT: 'answer body stalled past the timeout',
  UND_ERR_SOCKET: 'connection closed mid-request',
  ECONNRESET: 'connection reset mid-request',
  EPIPE: 'connection broke while writing the request',
  ETIMEDOUT: 'socket timed out',
  UND_ERR_DESTROYED: 'client destroyed mid-request',
  UND_ERR_HEADERS_OVERFLOW: 'answer headers too large',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'answer shorter than announced',
};

/** Maps an error thrown by an undici request to a SendOutcome; anything unrecognised is treated as maybe sent. */
export function classifyNetworkError(error: unknown): SendOutcome {
  const code = errorCode(error);
  if (code !== undefined) {
    const notSent = NOT_SENT[code];
    if (notSent !== undefined) return { kind: 'retryable', code, detail: notSent };
    const maybeSent = MAYBE_SENT[code];
    if (maybeSent !== undefined) return { kind: 'unknown', code, detail: maybeSent };
    // Our own request was invalid (e.g. a header with a line break): never sent, and sending again won't help.
    if (code === 'UND_ERR_INVALID_ARG') return { kind: 'rejected', code, detail: describe(error) };
  }
  return { kind: 'unknown', code: code ?? 'network_error', detail: describe(error) };
}

/** The error's code, looking through `cause` and the first error of an AggregateError (happy-eyeballs connect). */
function errorCode(error: unknown): string | undefined {
  for (const e of errorChain(error, 4)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}

/** Retry-After (seconds or an HTTP date) in milliseconds from now, or undefined when absent or unreadable. */
export function retryAfterMs(
  header: string | string[] | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Provider error text for an outcome's detail: short, single line. */
export function clip(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
