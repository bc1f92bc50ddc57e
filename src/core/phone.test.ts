import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneHmac } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    ['090-1234-5678', '+819012345678'],
    ['09012345678', '+819012345678'],
    ['０９０－１２３４－５６７８', '+819012345678'],
    ['０９０ー１２３４ー５６７８', '+819012345678'],
    ['+81 90 1234 5678', '+819012345678'],
    ['＋８１９０１２３４５６７８', '+819012345678'],
    ['81-90-1234-5678', '+819012345678'],
    ['+81-(0)90-1234-5678', '+819012345678'],
    [' 090 1234 5678 ', '+819012345678'],
    ['(090)1234-5678', '+819012345678'],
    ['090.1234.5678', '+819012345678'],
    ['070-1234-5678', '+817012345678'],
    ['080 1234 5678', '+818012345678'],
    ['+819012345678', '+819012345678'],
  ])('reads the Japanese mobile number %j as %s', (input, e164) => {
    expect(normalizePhone(input)).toEqual({ ok: true, e164, type: 'mobile' });
  });

  it.each([
    ['03-1234-5678', '+81312345678', 'fixed_line'],
    ['06-6123-4567', '+81661234567', 'fixed_line'],
    ['020-1234-5678', '+812012345678', 'pager'],
    ['050-1234-5678', '+815012345678', 'voip'],
    ['0120-123-456', '+81120123456', 'toll_free'],
  ])('refuses to text %j (%s, %s)', (input, e164, type) => {
    expect(normalizePhone(input)).toMatchObject({ ok: false, code: 'not_sms_capable', e164, type });
  });

  it.each([
    '0312',
    '',
    '   ',
    'abc',
    '090-1234-567',
    '090-1234-56789',
    '+81',
    '090-1234-5678 ext 1',
    '1'.repeat(30),
  ])('rejects %j as invalid', (input) => {
    expect(normalizePhone(input)).toMatchObject({ ok: false, code: 'invalid_phone' });
  });

  it('accepts foreign mobile numbers in E.164', () => {
    expect(normalizePhone('+44 7911 123456')).toEqual({ ok: true, e164: '+447911123456', type: 'mobile' });
    expect(normalizePhone('+1 415 555 2671')).toEqual({
      ok: true,
      e164: '+14155552671',
      type: 'fixed_line_or_mobile',
    });
  });

  it('agrees with the full parser on every Japanese mobile prefix', () => {
    // The shortcut for 0X0 numbers must never accept what libphonenumber would refuse, or type it differently.
    for (let prefix = 0; prefix < 100; prefix++) {
      for (const rest of ['0000000', '1234567', '9999999']) {
        const national = `0${String(prefix).padStart(2, '0')}${String(prefix % 10)}${rest}`;
        const full = parsePhoneNumberFromString(national, 'JP');
        const expected =
          full?.isValid() && full.getType() === 'MOBILE'
            ? { ok: true, e164: full.number, type: 'mobile' }
            : null;
        const got = normalizePhone(national);
        if (expected) expect(got, national).toEqual(expected);
        else expect(got.ok, national).toBe(false);
      }
    }
  });
});

describe('phoneHmac', () => {
  it('depends on the secret and is stable', () => {
    const a = phoneHmac('secret-a', '+819012345678');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(phoneHmac('secret-a', '+819012345678')).toBe(a);
    expect(phoneHmac('secret-b', '+819012345678')).not.toBe(a);
  });
});
