import { describe, expect, it } from 'vitest';
import { classifyNetworkError, retryAfterMs } from './http-errors.js';

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

describe('network failures: could the provider have the request?', () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED'])(
    '%s happened before sending: retryable',
    (code) => expect(classifyNetworkError(withCode(code))).toMatchObject({ kind: 'retryable', code }),
  );

  it.each(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'])(
    '%s may have happened after sending: unknown',
    (code) => expect(classifyNetworkError(withCode(code))).toMatchObject({ kind: 'unknown', code }),
  );

  it('finds the code behind a wrapper or inside an AggregateError (happy-eyeballs connect)', () => {
    const wrapped = new Error('fetch failed', { cause: withCode('ECONNREFUSED') });
    expect(classifyNetworkError(wrapped)).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
    const aggregate = new AggregateError(
      [withCode('ECONNREFUSED'), withCode('ECONNREFUSED')],
      'connect failed',
    );
    expect(classifyNetworkError(aggregate)).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
  });

  it('treats an error it does not know as unknown: never resent blindly', () => {
    expect(classifyNetworkError(new Error('something odd'))).toMatchObject({
      kind: 'unknown',
      code: 'network_error',
    });
    expect(classifyNetworkError(withCode('E_SOMETHING_NEW'))).toMatchObject({
      kind: 'unknown',
      code: 'E_SOMETHING_NEW',
    });
  });

  it('rejects a request undici refused to build: it never left and would fail again', () => {
    expect(classifyNetworkError(withCode('UND_ERR_INVALID_ARG'))).toMatchObject({ kind: 'rejected' });
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
