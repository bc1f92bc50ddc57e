import { createRowReaders } from '../row-readers.js';

export { ATTEMPT_PATCH_COLUMNS, MESSAGE_PATCH_COLUMNS, type Row } from '../row-readers.js';

/** Rows as SQLite returns them: snake_case, JSON as text, booleans as 0/1. */
export const {
  toMessage,
  toAttempt,
  toEvent,
  toReceipt,
  toReachability,
  toApiKey,
  toTemplate,
  toTemplateVersion,
  toSuppression,
} = createRowReaders((text) => JSON.parse(text as string));

/** SQLite binds numbers, strings, bigints, buffers and null; booleans become 0/1. */
export function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value ?? null;
}
