import type { ImportedRecipient, RowProblem } from '../imported-recipient.js';
import { FirstRowIndex, hashText, phoneKey, type Key64 } from './first-row-index.js';
import { rowProblem } from './row-problem.js';
import type { RowRules } from './validate-row.js';

type Field = 'phone' | 'lineUserId' | 'email' | 'externalId';

interface Identity {
  field: Field;
  ja: string;
  en: string;
  column: string;
  index: FirstRowIndex;
}

const LABELS: Record<Field, [ja: string, en: string]> = {
  phone: ['電話番号', 'phone number'],
  lineUserId: ['LINEユーザーID', 'LINE user ID'],
  email: ['メールアドレス', 'e-mail address'],
  externalId: ['顧客ID', 'customer ID'],
};

/** The key a recipient's field is remembered by, written into `out`; false when the field is empty. */
function keyOf(field: Field, r: ImportedRecipient, out: Key64): boolean {
  const value = r[field];
  if (value === null) return false;
  if (field === 'phone') phoneKey(value, out);
  else hashText(field === 'email' ? value.toLowerCase() : value, out);
  return true;
}

/**
 * Rows that repeat an earlier row's recipient: the same phone number, LINE user ID, e-mail address (any case)
 * or customer ID. Each address gets one message per campaign, and a customer ID twice in an export means the
 * same customer twice. Only rows that were accepted count as "earlier". Memory stays small for a million
 * rows: numbers are kept as exact 64-bit keys, texts as 64-bit hashes (first-row-index.ts).
 */
export class DuplicateCheck {
  private readonly identities: Identity[] = [];
  private readonly key: Key64 = new Uint32Array(2);

  constructor(rules: RowRules) {
    for (const field of ['phone', 'lineUserId', 'email', 'externalId'] as const) {
      const column = rules[field];
      if (column < 0) continue;
      const [ja, en] = LABELS[field];
      this.identities.push({ field, ja, en, column: rules.headers[column]!, index: new FirstRowIndex() });
    }
  }

  /** A warning when the recipient repeats an earlier one (the row is then not sent); else remembers it. */
  check(recipient: ImportedRecipient): RowProblem | null {
    const { key } = this;
    for (const id of this.identities) {
      if (!keyOf(id.field, recipient, key)) continue;
      const first = id.index.get(key[0]!, key[1]!);
      if (first === 0) continue;
      return rowProblem(
        recipient.rowNumber,
        id.column,
        'duplicate_in_file',
        'warning',
        `${id.ja}が${first}行目と同じです。${first}行目の分だけ送信します。`,
        `Same ${id.en} as row ${first}; only row ${first} is sent.`,
        recipient[id.field] ?? undefined,
      );
    }
    for (const id of this.identities) {
      if (keyOf(id.field, recipient, key)) id.index.firstOrAdd(key[0]!, key[1]!, recipient.rowNumber);
    }
    return null;
  }
}
