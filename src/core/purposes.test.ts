import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PURPOSES,
  defaultPurposeCatalogue,
  policyProblems,
  purposeClass,
  purposePolicy,
} from './purposes.js';

describe('the default purpose catalogue', () => {
  const catalogue = defaultPurposeCatalogue();

  it('holds the twelve default purposes', () => {
    expect(Object.keys(catalogue)).toEqual([...DEFAULT_PURPOSES]);
    expect(DEFAULT_PURPOSES).toHaveLength(12);
  });

  it('keeps promotion off LINE notification messages and needs consent for it', () => {
    expect(catalogue.promotion).toMatchObject({
      promotional: true,
      consentRequired: true,
      channels: ['line_push', 'sms', 'email'],
    });
    expect(purposeClass(catalogue.promotion!)).toBe('promotional');
  });

  it('sends payment reminders only from 08:00 to 21:00', () => {
    expect(catalogue.payment_reminder!.window).toEqual({ start: '08:00', end: '21:00', skipHolidays: false });
    expect(catalogue.payment_reminder!.critical).toBe(false);
  });

  it('lets security alerts through at any hour', () => {
    expect(catalogue.security_alert!.critical).toBe(true);
  });

  it('treats every other purpose as transactional on every channel, without consent', () => {
    for (const name of DEFAULT_PURPOSES.filter((n) => n !== 'promotion')) {
      const policy = catalogue[name]!;
      expect(purposeClass(policy)).toBe('transactional');
      expect(policy.channels).toEqual(['line_pnp', 'line_push', 'sms', 'email']);
      expect(policy.consentRequired).toBe(false);
      expect(policy.label.ja).not.toBe(name);
    }
  });
});

describe('purposePolicy', () => {
  it('applies overrides on top of the defaults of a known purpose', () => {
    const policy = purposePolicy('payment_reminder', {
      window: { start: '09:00', end: '20:00', skipHolidays: true },
    });
    expect(policy).toMatchObject({
      name: 'payment_reminder',
      label: { ja: 'お支払いのお願い' },
      window: { start: '09:00', end: '20:00', skipHolidays: true },
    });
  });

  it('can take a window away', () => {
    expect(purposePolicy('payment_reminder', { window: null }).window).toBeNull();
  });

  it('gives an unknown name a transactional policy, and a promotional one the advert defaults', () => {
    expect(purposePolicy('point_expiry')).toMatchObject({
      label: { ja: 'point_expiry', en: 'point_expiry' },
      promotional: false,
      consentRequired: false,
      window: null,
      critical: false,
    });
    expect(purposePolicy('newsletter', { promotional: true })).toMatchObject({
      consentRequired: true,
      channels: ['line_push', 'sms', 'email'],
    });
  });

  it('finds a promotional purpose allowed on LINE notification messages wrong', () => {
    expect(policyProblems(purposePolicy('promotion', { channels: ['line_pnp', 'sms'] }))).toEqual([
      expect.stringContaining('line_pnp is not allowed'),
    ]);
    expect(policyProblems(purposePolicy('promotion'))).toEqual([]);
  });
});
