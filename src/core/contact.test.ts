import { describe, expect, it } from 'vitest';
import { contactKey, upsertContact, type ContactRecord } from './contact.js';

const stored: ContactRecord = {
  id: 'c1',
  externalId: 'M001',
  phone: '+819012345678',
  phoneHmac: 'h1',
  email: 'a@example.jp',
  name: '山田',
  lineUserIds: ['Ua'],
  attributes: { age: 35, plan: 'basic' },
  createdAt: 1,
  updatedAt: 1,
  version: 2,
};
const none = { byExternalId: null, byPhone: [] };

describe('upsertContact', () => {
  it('keys by customer ID when given, else by phone, else refuses', () => {
    expect(contactKey({ externalId: 'M1', phoneHmac: 'h' })).toEqual({ kind: 'externalId', value: 'M1' });
    expect(contactKey({ externalId: null, phoneHmac: 'h' })).toEqual({ kind: 'phone', value: 'h' });
    expect(contactKey({ email: 'a@example.jp' })).toBeNull();
    expect(upsertContact({ name: 'x' }, none, 'n', 9)).toMatchObject({
      result: 'refused',
      code: 'missing_contact_key',
    });
  });

  it('creates with version 0 and only the attributes that have a value', () => {
    const out = upsertContact({ externalId: 'M2', attributes: { a: 1, b: null } }, none, 'new', 9);
    expect(out).toEqual({
      result: 'created',
      contact: {
        id: 'new',
        externalId: 'M2',
        phone: null,
        phoneHmac: null,
        email: null,
        name: null,
        lineUserIds: [],
        attributes: { a: 1 },
        createdAt: 9,
        updatedAt: 9,
        version: 0,
      },
    });
  });

  it('replaces what is given, clears what is null, keeps the rest, adds LINE user IDs', () => {
    const out = upsertContact(
      {
        externalId: 'M001',
        email: null,
        lineUserIds: ['Ub', 'Ua'],
        attributes: { plan: 'gold', age: null, x: true },
      },
      { byExternalId: stored, byPhone: [] },
      'unused',
      9,
    );
    expect(out).toEqual({
      result: 'updated',
      contact: {
        ...stored,
        email: null,
        lineUserIds: ['Ua', 'Ub'],
        attributes: { plan: 'gold', x: true },
        updatedAt: 9,
        version: 3,
      },
    });
  });

  it('clears the phone HMAC with the phone', () => {
    const out = upsertContact(
      { externalId: 'M001', phone: null },
      { byExternalId: stored, byPhone: [] },
      'n',
      9,
    );
    expect(out).toMatchObject({ result: 'updated', contact: { phone: null, phoneHmac: null } });
  });

  it('is unchanged when nothing differs, and refuses a phone two contacts share', () => {
    const same = upsertContact(
      { phone: stored.phone, phoneHmac: 'h1', attributes: { age: 35 } },
      { byExternalId: null, byPhone: [stored] },
      'n',
      9,
    );
    expect(same).toEqual({ result: 'unchanged', contact: stored });
    const shared = upsertContact(
      { phone: stored.phone, phoneHmac: 'h1' },
      { byExternalId: null, byPhone: [stored, { ...stored, id: 'c2', externalId: 'M002' }] },
      'n',
      9,
    );
    expect(shared).toMatchObject({ result: 'refused', code: 'ambiguous_contact' });
  });
});
