import { describe, expect, it } from 'vitest';
import { retryKeyFor, uuidV5 } from './retry-key.js';

describe('retry keys', () => {
  it('computes name-based UUIDs (version 5) as RFC 9562 does', () => {
    // The DNS namespace and www.example.com: the example every UUID library checks against.
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives one attempt the same key every time, on any process, and two attempts different keys', () => {
    const attempt = '01KAP8Y0XQ3M5N7R9T1V3X5Z7B';
    const key = retryKeyFor(attempt);
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(retryKeyFor(attempt)).toBe(key);
    expect(retryKeyFor('01KAP8Y0XQ3M5N7R9T1V3X5Z7C')).not.toBe(key);
  });
});
