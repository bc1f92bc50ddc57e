import { ApiError } from '../api/api-error.js';
import type { ContactUpsertOutcome } from '../core/contact.js';

/** The contact and segment API's errors, turned into problem+json by the API's one error handler. */

export const contactNotFound = (id: string) =>
  new ApiError(404, 'contact_not_found', `連絡先 "${id}" は見つかりません / No contact with id "${id}"`);

export const segmentNotFound = (idOrName: string) =>
  new ApiError(
    404,
    'segment_not_found',
    `セグメント "${idOrName}" は見つかりません / No segment with id or name "${idOrName}"`,
  );

export const segmentNameTaken = (name: string) =>
  new ApiError(
    409,
    'segment_name_taken',
    `セグメント名「${name}」は使われています / A segment named "${name}" already exists`,
  );

/** 409: the segment is not at the version the caller read (someone changed it meanwhile). */
export const segmentChanged = (expected: number, actual: number | null) =>
  new ApiError(
    409,
    'segment_changed',
    `セグメントは他の操作で変更されました。内容を確認してからやり直してください / The segment changed since you read it (version ${expected}, now ${actual ?? 'deleted'})`,
    { expectedVersion: expected, version: actual },
  );

/** An upsert the store refused, as the API answers it: 422 without a key, 409 for a phone several contacts share. */
export function refusedContact(outcome: Extract<ContactUpsertOutcome, { result: 'refused' }>): ApiError {
  return new ApiError(
    outcome.code === 'ambiguous_contact' ? 409 : 422,
    outcome.code,
    `${outcome.messageJa} / ${outcome.messageEn}`,
  );
}
