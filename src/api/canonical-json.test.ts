import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, e: null })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"e":null}',
    );
  });

  it('hashes equal meanings equally and different ones differently', () => {
    expect(requestHash({ to: { phone: '1' }, purpose: 'x' })).toBe(
      requestHash({ purpose: 'x', to: { phone: '1' } }),
    );
    expect(requestHash({ text: 'a' })).not.toBe(requestHash({ text: 'b' }));
    expect(requestHash({ text: 'a' })).toMatch(/^[0-9a-f]{64}$/);
  });
});
