import { describe, expect, it } from 'vitest';
import { isKnownUnreachable } from './reachability.js';

describe('reachability memory', () => {
  const day = 86_400_000;
  it('skips a channel that definitely failed within the memory period', () => {
    expect(isKnownUnreachable({ channel: 'line_pnp', outcome: 'unreachable', at: 0 }, day, 30 * day)).toBe(
      true,
    );
  });
  it('forgets after the memory period', () => {
    expect(
      isKnownUnreachable({ channel: 'line_pnp', outcome: 'unreachable', at: 0 }, 30 * day, 30 * day),
    ).toBe(false);
  });
  it('never skips a channel that reached the person or was never tried', () => {
    expect(isKnownUnreachable({ channel: 'line_pnp', outcome: 'reachable', at: 0 }, 1, day)).toBe(false);
    expect(isKnownUnreachable(null, 1, day)).toBe(false);
  });
});
