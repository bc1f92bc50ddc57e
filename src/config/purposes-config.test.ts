import { describe, expect, it } from 'vitest';
import { DEFAULT_PURPOSES } from '../core/purposes.js';
import { ConfigError, loadConfig } from './load-config.js';

function load(yaml: string) {
  return loadConfig({ TODOKE_CONFIG: 'todoke.yml' }, () => yaml);
}

function problemsOf(yaml: string): string[] {
  try {
    load(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('purposes in the config file', () => {
  it('has the twelve default purposes when the file names none', () => {
    const { purposes } = load('');
    expect(Object.keys(purposes)).toEqual(DEFAULT_PURPOSES);
    expect(purposes.payment_reminder!.window).toEqual({ start: '08:00', end: '21:00', skipHolidays: false });
  });

  it('takes the old list of names: exactly those purposes, with their defaults', () => {
    const { purposes } = load('purposes: [payment_reminder, point_expiry]');
    expect(Object.keys(purposes)).toEqual(['payment_reminder', 'point_expiry']);
    expect(purposes.payment_reminder!.window).not.toBeNull();
    expect(purposes.point_expiry).toMatchObject({ promotional: false, window: null });
  });

  it('takes a mapping: settings over the defaults, new purposes added, false removes one', () => {
    const { purposes } = load(`
purposes:
  payment_reminder: { window: { start: "09:00", end: "20:00", skipHolidays: true } }
  usage_alert: { window: null, critical: true }
  newsletter: { promotional: true, label: { ja: メールマガジン, en: Newsletter } }
  procedure_notice: false
`);
    expect(purposes.payment_reminder!.window).toEqual({ start: '09:00', end: '20:00', skipHolidays: true });
    expect(purposes.usage_alert).toMatchObject({ critical: true, window: null });
    expect(purposes.newsletter).toMatchObject({
      promotional: true,
      consentRequired: true,
      channels: ['line_push', 'sms', 'email'],
      label: { ja: 'メールマガジン' },
    });
    expect(purposes.procedure_notice).toBeUndefined();
    expect(Object.keys(purposes)).toHaveLength(12);
  });

  it('names each wrong setting', () => {
    expect(
      problemsOf(`
purposes:
  payment_reminder: { window: { start: "8:00", end: "21:00" } }
  promotion: { channels: [line_pnp, sms] }
  Bad Name: {}
  shipping_notice: { colour: blue }
`),
    ).toEqual([
      expect.stringMatching(/^purposes\.payment_reminder\.window\.start: must be a time of day/),
      expect.stringMatching(/^purposes\.Bad Name: use lower_snake_case/),
      expect.stringMatching(/^purposes\.shipping_notice/),
    ]);
    expect(problemsOf('purposes:\n  promotion: { channels: [line_pnp, sms] }')).toEqual([
      expect.stringMatching(/^purposes\.promotion\.channels: line_pnp is not allowed/),
    ]);
  });
});

describe('content rule levels in the config file', () => {
  it('takes levels by rule id', () => {
    expect(load('contentRules: { sms_url: block, missing_opt_out: warn }').contentRules).toEqual({
      sms_url: 'block',
      missing_opt_out: 'warn',
    });
    expect(load('').contentRules).toEqual({});
  });

  it('refuses an unknown rule or level', () => {
    expect(problemsOf('contentRules: { sms_url: loud }')).toEqual([
      expect.stringMatching(/^contentRules\.sms_url: /),
    ]);
    expect(problemsOf('contentRules: { no_such_rule: warn }')).toEqual([
      expect.stringMatching(/^contentRules/),
    ]);
  });
});
