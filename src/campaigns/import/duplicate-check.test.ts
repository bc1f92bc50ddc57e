import { describe, expect, it } from 'vitest';
import type { ImportedRecipient } from '../imported-recipient.js';
import { DuplicateCheck } from './duplicate-check.js';
import { rowRules } from './validate-row.js';

const RULES = rowRules([
  { index: 0, header: '会員番号', target: 'externalId' },
  { index: 1, header: '電話番号', target: 'phone' },
  { index: 2, header: 'メール', target: 'email' },
]);

const recipient = (rowNumber: number, r: Partial<ImportedRecipient>): ImportedRecipient => ({
  rowNumber,
  phone: null,
  lineUserId: null,
  email: null,
  externalId: null,
  name: null,
  variables: {},
  ...r,
});

describe('DuplicateCheck', () => {
  it('warns about a later row with the same phone number, naming the first row', () => {
    const check = new DuplicateCheck(RULES);
    expect(check.check(recipient(2, { phone: '+819012345678', externalId: 'A' }))).toBeNull();
    expect(check.check(recipient(3, { phone: '+819012345679', externalId: 'B' }))).toBeNull();
    expect(check.check(recipient(9, { phone: '+819012345678', externalId: 'C' }))).toEqual({
      rowNumber: 9,
      column: '電話番号',
      code: 'duplicate_in_file',
      severity: 'warning',
      messageJa: '電話番号が2行目と同じです。2行目の分だけ送信します。',
      messageEn: 'Same phone number as row 2; only row 2 is sent.',
      value: '+819012345678',
    });
  });

  it('also finds repeated customer IDs and e-mail addresses in any case', () => {
    const check = new DuplicateCheck(RULES);
    check.check(recipient(2, { phone: '+819012345678', externalId: 'A', email: 'Taro@Example.jp' }));
    expect(check.check(recipient(3, { phone: '+819000000001', externalId: 'A' }))).toMatchObject({
      column: '会員番号',
      value: 'A',
    });
    expect(check.check(recipient(4, { phone: '+819000000002', email: 'taro@example.JP' }))).toMatchObject({
      column: 'メール',
      messageEn: 'Same e-mail address as row 2; only row 2 is sent.',
    });
  });

  it('remembers nothing of a duplicate row itself', () => {
    const check = new DuplicateCheck(RULES);
    check.check(recipient(2, { phone: '+819012345678' }));
    // Row 3 repeats row 2's phone; its customer ID must not count as seen.
    expect(check.check(recipient(3, { phone: '+819012345678', externalId: 'X' }))).not.toBeNull();
    expect(check.check(recipient(4, { phone: '+819000000009', externalId: 'X' }))).toBeNull();
  });

  it('checks only the columns the mapping has', () => {
    const check = new DuplicateCheck(rowRules([{ index: 0, header: 'tel', target: 'phone' }]));
    check.check(recipient(2, { phone: '+819012345678', externalId: 'A' }));
    expect(check.check(recipient(3, { phone: '+819012345670', externalId: 'A' }))).toBeNull();
  });
});
