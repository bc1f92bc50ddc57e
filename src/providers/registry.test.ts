import { describe, expect, it } from 'vitest';
import { getProvider, providers } from './registry.js';

describe('provider registry', () => {
  it('lists each provider under its own id', () => {
    for (const [id, provider] of Object.entries(providers)) expect(provider.id).toBe(id);
    expect(getProvider('line')?.channels).toEqual(['line_pnp', 'line_push']);
    expect(getProvider('twilio')?.channels).toEqual(['sms']);
    expect(getProvider('karaden')?.channels).toEqual(['sms']);
    expect(getProvider('vonage')?.channels).toEqual(['sms']);
    expect(getProvider('email')?.channels).toEqual(['email']);
  });

  it('knows no provider by an unknown or inherited name', () => {
    expect(getProvider('nope')).toBeUndefined();
    expect(getProvider('constructor')).toBeUndefined();
  });
});
