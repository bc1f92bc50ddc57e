import { ApiError } from '../api/api-error.js';
import { MISSING_KEY, type AttributeValue, type ContactUpsert } from '../core/contact.js';
import { normalizePhone, phoneHmac } from '../core/phone.js';
import { refusedContact } from './contact-errors.js';

/** A contact as the API takes it (already shaped by the request schema): omitted fields are kept, null clears. */
export interface ContactInput {
  externalId?: string | null | undefined;
  phone?: string | null | undefined;
  email?: string | null | undefined;
  name?: string | null | undefined;
  lineUserIds?: string[] | undefined;
  attributes?: Record<string, AttributeValue | null> | undefined;
}

const blankToNull = (text: string | null | undefined) =>
  text === undefined ? undefined : text === null || text.trim().length === 0 ? null : text.trim();

/**
 * The upsert for one API contact: the phone number normalised to E.164 as every number the API takes (landlines
 * are kept: they are still the customer's number, and a campaign reports them), its HMAC for lookups, text
 * trimmed. Throws invalid_phone, or missing_contact_key when there is neither a customer ID nor a phone.
 */
export function contactUpsert(input: ContactInput, secret: string): ContactUpsert {
  const upsert: ContactUpsert = {};
  const externalId = blankToNull(input.externalId);
  if (externalId !== undefined && externalId !== null) upsert.externalId = externalId;
  const rawPhone = blankToNull(input.phone);
  if (rawPhone === null) {
    upsert.phone = null;
    upsert.phoneHmac = null;
  } else if (rawPhone !== undefined) {
    const phone = normalizePhone(rawPhone);
    if (!phone.ok && phone.code === 'invalid_phone') {
      throw new ApiError(
        422,
        'invalid_phone',
        `電話番号の形式が正しくありません / The phone number is not valid: ${JSON.stringify(rawPhone)}`,
      );
    }
    upsert.phone = phone.e164;
    upsert.phoneHmac = phoneHmac(secret, phone.e164);
  }
  const email = blankToNull(input.email);
  if (email !== undefined) upsert.email = email;
  const name = blankToNull(input.name);
  if (name !== undefined) upsert.name = name;
  if (input.lineUserIds !== undefined) upsert.lineUserIds = input.lineUserIds;
  if (input.attributes !== undefined) upsert.attributes = input.attributes;
  if (upsert.externalId === undefined && (upsert.phoneHmac === undefined || upsert.phoneHmac === null)) {
    throw refusedContact(MISSING_KEY);
  }
  return upsert;
}
