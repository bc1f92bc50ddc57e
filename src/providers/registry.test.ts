import { describe, expect, it } from 'vitest';
import { getProvider, providers } from './registry.js';

describe('provider registry', () => {
  it('lists each provider under its own id', () => {
    for (const [id, provider] of Object.entries(providers)) expect(provider.id).toBe(id);
    expect(getProvider('line')?.channels).toEqual(['line_pnp']);
    expect(getProvider('twilio')?.channels).toEqual(['sms']);
  });

  it('knows no provider by an unknown or inherited name', () => {
    expect(getProvider('nope')).toBeUndefined();
    expect(getProvider('constructor')).toBeUndefined();
  });
});
