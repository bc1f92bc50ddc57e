import { normalizePhone } from '../../core/phone.js';
import type { RowProblem } from '../imported-recipient.js';
import { rowProblem } from './row-problem.js';
import type { RowRules } from './row-rules.js';

/**
 * The address values of a row, each checked and normalised: the checked value, or null with a problem added.
 */

const FULL_WIDTH_ASCII = /[\uFF01-\uFF5E]/g;
function toHalfWidth(text: string): string {
  return text.replace(FULL_WIDTH_ASCII, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * An address mail servers accept: no spaces, one @, a domain of dotted labels. The local part is not checked
 * further: Japanese carriers issued addresses with consecutive dots that RFC 5322 forbids and that still
 * work.
 */
export const EMAIL =
  /^[^\s@"(),:;<>[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
export const LINE_USER_ID = /^U[0-9a-f]{32}$/;

export function checkPhone(
  rules: RowRules,
  rowNumber: number,
  raw: string,
  problems: RowProblem[],
): string | null {
  const result = normalizePhone(raw);
  if (result.ok) return result.e164;
  const column = rules.headers[rules.phone]!;
  if (result.code === 'invalid_phone') {
    problems.push(
      rowProblem(
        rowNumber,
        column,
        'invalid_phone',
        'error',
        '電話番号として読めません。',
        'Not a valid phone number.',
        raw,
      ),
    );
    return null;
  }
  problems.push(
    rowProblem(
      rowNumber,
      column,
      'not_sms_capable',
      rules.notSmsCapable,
      'SMSやLINEで届かない番号です（固定電話・050・フリーダイヤルなど）。',
      `This number cannot receive SMS or LINE messages (${result.reason}).`,
      raw,
    ),
  );
  return rules.notSmsCapable === 'warning' ? result.e164 : null;
}

export function checkEmail(
  rules: RowRules,
  rowNumber: number,
  raw: string,
  problems: RowProblem[],
): string | null {
  const candidate = toHalfWidth(raw).trim();
  if (candidate.length <= 254 && EMAIL.test(candidate)) return candidate;
  problems.push(
    rowProblem(
      rowNumber,
      rules.headers[rules.email]!,
      'invalid_email',
      'error',
      'メールアドレスとして読めません。',
      'Not a valid e-mail address.',
      raw,
    ),
  );
  return null;
}

export function checkLineUserId(
  rules: RowRules,
  rowNumber: number,
  raw: string,
  problems: RowProblem[],
): string | null {
  if (LINE_USER_ID.test(raw)) return raw;
  problems.push(
    rowProblem(
      rowNumber,
      rules.headers[rules.lineUserId]!,
      'invalid_line_user_id',
      'error',
      'LINEユーザーIDは U と32桁の英数字（0-9, a-f）です。',
      'A LINE user ID is U followed by 32 hexadecimal digits.',
      raw,
    ),
  );
  return null;
}

export function noAddress(rules: RowRules, rowNumber: number): RowProblem {
  const headers = rules.addressHeaders;
  if (headers.length === 1) {
    return rowProblem(
      rowNumber,
      headers[0]!,
      'missing_value',
      'error',
      '宛先が空です。',
      'The address is empty.',
    );
  }
  return rowProblem(
    rowNumber,
    null,
    'missing_value',
    'error',
    `宛先（${headers.join('・')}）がどれも空です。`,
    `Every address column (${headers.join(', ')}) is empty.`,
  );
}
