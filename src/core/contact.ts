/**
 * Contacts: the operator's customers, kept so campaigns can be sent to a segment of them instead of an uploaded
 * file. This module holds the record and the one rule of how an upsert changes a stored contact; the stores
 * apply it inside their write transaction.
 */

/** An attribute value: text, a number or a flag (age, prefecture, plan, opted-in…). */
export type AttributeValue = string | number | boolean;

export type ContactAttributes = Record<string, AttributeValue>;

export interface ContactRecord {
  /** ULID. */
  id: string;
  /** The customer's ID in the operator's own system; unique when present. */
  externalId: string | null;
  /** E.164, e.g. +819012345678. */
  phone: string | null;
  /** HMAC of `phone` with the server secret: the key contacts are looked up by phone with. */
  phoneHmac: string | null;
  email: string | null;
  name: string | null;
  /** Linked LINE user IDs (U + 32 hex digits), in the order they were linked. */
  lineUserIds: string[];
  attributes: ContactAttributes;
  createdAt: number;
  updatedAt: number;
  /** Bumped by every change; 0 when created. */
  version: number;
}

/**
 * One contact to create or update, already normalised (phone in E.164 with its HMAC). A field left undefined is
 * kept as stored; null clears it.
 *
 * The key: `externalId` when given, else the phone (`phoneHmac`). An upsert with neither is refused.
 */
export interface ContactUpsert {
  externalId?: string | null;
  phone?: string | null;
  phoneHmac?: string | null;
  email?: string | null;
  name?: string | null;
  /** LINE user IDs to link: added to the stored ones (order kept, no repeats); none is ever unlinked here. */
  lineUserIds?: string[];
  /** Attributes to set: each named one is replaced (null removes it); attributes not named are kept. */
  attributes?: Record<string, AttributeValue | null>;
}

export type ContactRefusalCode =
  /** Neither a customer ID nor a phone number: nothing to find the contact by next time. */
  | 'missing_contact_key'
  /** No customer ID, and several contacts have this phone number: which one is meant cannot be told. */
  | 'ambiguous_contact';

export type ContactUpsertOutcome =
  | { result: 'created' | 'updated' | 'unchanged'; contact: ContactRecord }
  | { result: 'refused'; code: ContactRefusalCode; messageJa: string; messageEn: string };

/** What an upsert looks its contact up by. */
export type ContactKey = { kind: 'externalId'; value: string } | { kind: 'phone'; value: string };

export function contactKey(input: ContactUpsert): ContactKey | null {
  if (typeof input.externalId === 'string' && input.externalId.length > 0) {
    return { kind: 'externalId', value: input.externalId };
  }
  if (typeof input.phoneHmac === 'string' && input.phoneHmac.length > 0) {
    return { kind: 'phone', value: input.phoneHmac };
  }
  return null;
}

export const MISSING_KEY: Extract<ContactUpsertOutcome, { result: 'refused' }> = {
  result: 'refused',
  code: 'missing_contact_key',
  messageJa: '顧客IDも電話番号もありません。どちらかを指定してください。',
  messageEn: 'Neither a customer ID (externalId) nor a phone number: give one of them.',
};

const AMBIGUOUS: Extract<ContactUpsertOutcome, { result: 'refused' }> = {
  result: 'refused',
  code: 'ambiguous_contact',
  messageJa: 'この電話番号の連絡先が複数あります。顧客IDを指定してください。',
  messageEn: 'Several contacts have this phone number: give the customer ID (externalId) to say which.',
};

/** The stored contacts an upsert's key matches: by customer ID, or (without one) every contact with the phone. */
export interface ContactMatches {
  byExternalId: ContactRecord | null;
  /** Contacts with the phone, when the upsert has no customer ID; two are enough to refuse. */
  byPhone: readonly ContactRecord[];
}

function withLinked(stored: readonly string[], added: readonly string[] | undefined): string[] {
  if (!added || added.length === 0) return [...stored];
  const out = [...stored];
  for (const id of added) if (!out.includes(id)) out.push(id);
  return out;
}

function withAttributes(
  stored: ContactAttributes,
  changes: Record<string, AttributeValue | null> | undefined,
): ContactAttributes {
  const out: ContactAttributes = { ...stored };
  for (const [key, value] of Object.entries(changes ?? {})) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** The fields an upsert can change, for telling whether it changed anything. */
function content(c: ContactRecord): string {
  return JSON.stringify([c.externalId, c.phone, c.phoneHmac, c.email, c.name, c.lineUserIds, c.attributes]);
}

const pick = <T>(given: T | undefined, stored: T): T => (given === undefined ? stored : given);

/**
 * Applies one upsert to the contact its key matched (see ContactMatches), or creates the contact under `newId`.
 * Scalar fields given replace the stored ones; LINE user IDs are added; attributes are replaced one by one (those
 * not named are kept). An upsert that changes nothing is `unchanged` and keeps the version.
 */
export function upsertContact(
  input: ContactUpsert,
  matches: ContactMatches,
  newId: string,
  now: number,
): ContactUpsertOutcome {
  const key = contactKey(input);
  if (key === null) return MISSING_KEY;
  let existing: ContactRecord | null;
  if (key.kind === 'externalId') {
    existing = matches.byExternalId;
  } else {
    if (matches.byPhone.length > 1) return AMBIGUOUS;
    existing = matches.byPhone[0] ?? null;
  }

  if (existing === null) {
    const contact: ContactRecord = {
      id: newId,
      externalId: key.kind === 'externalId' ? key.value : null,
      phone: input.phone ?? null,
      phoneHmac: input.phone == null ? null : (input.phoneHmac ?? null),
      email: input.email ?? null,
      name: input.name ?? null,
      lineUserIds: withLinked([], input.lineUserIds),
      attributes: withAttributes({}, input.attributes),
      createdAt: now,
      updatedAt: now,
      version: 0,
    };
    return { result: 'created', contact };
  }

  const phone = pick(input.phone, existing.phone);
  const next: ContactRecord = {
    ...existing,
    externalId: key.kind === 'externalId' ? key.value : existing.externalId,
    phone,
    phoneHmac: phone === null ? null : pick(input.phoneHmac, existing.phoneHmac),
    email: pick(input.email, existing.email),
    name: pick(input.name, existing.name),
    lineUserIds: withLinked(existing.lineUserIds, input.lineUserIds),
    attributes: withAttributes(existing.attributes, input.attributes),
  };
  if (content(next) === content(existing)) return { result: 'unchanged', contact: existing };
  return { result: 'updated', contact: { ...next, updatedAt: now, version: existing.version + 1 } };
}
