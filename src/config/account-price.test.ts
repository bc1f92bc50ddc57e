import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

describe('account prices', () => {
  it('keeps price.unit on any provider account, for attempt costs and previews', () => {
    const config = loadConfig(
      { TODOKE_CONFIG: 'todoke.yml' },
      () => `
accounts:
  twilio: { provider: twilio, accountSid: AC1, authToken: t, from: "+15005550006", price: { unit: 8.5 } }
  line-main: { provider: line, channelAccessToken: t, channelSecret: s }
`,
    );
    expect(config.accounts.twilio!.price).toEqual({ unit: 8.5 });
    expect(config.accounts['line-main']!.price).toBeUndefined();
  });

  it('refuses a price that is not a number of yen', () => {
    expect(() =>
      loadConfig(
        { TODOKE_CONFIG: 'todoke.yml' },
        () => `
accounts:
  twilio: { provider: twilio, accountSid: AC1, authToken: t, from: "+15005550006", price: { unit: cheap } }
`,
      ),
    ).toThrow(/accounts\.twilio\.price\.unit/);
  });

  it('keeps tiered prices by monthly volume, and refuses tiers out of order', () => {
    const config = loadConfig(
      { TODOKE_CONFIG: 'todoke.yml' },
      () => `
accounts:
  twilio:
    provider: twilio
    accountSid: AC1
    authToken: t
    from: "+15005550006"
    price: { tiers: [{ upTo: 100000, unit: 8 }, { unit: 7 }] }
`,
    );
    expect(config.accounts.twilio!.price).toEqual({ tiers: [{ upTo: 100000, unit: 8 }, { unit: 7 }] });
    expect(() =>
      loadConfig(
        { TODOKE_CONFIG: 'todoke.yml' },
        () => `
accounts:
  twilio:
    provider: twilio
    accountSid: AC1
    authToken: t
    from: "+15005550006"
    price: { tiers: [{ upTo: 100, unit: 8 }, { upTo: 50, unit: 7 }, { unit: 6 }] }
`,
      ),
    ).toThrow(/accounts\.twilio\.price\.tiers.*tier 2/);
  });
});
