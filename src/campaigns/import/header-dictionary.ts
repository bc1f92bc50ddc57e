import type { ColumnTarget } from './column-target.js';

/**
 * Headers operators' exports commonly use, by their normalised spelling (see normalizeHeader), and what each
 * column holds. `rank` breaks ties when several columns match the same target: lower wins (a 携帯番号 column
 * is a better SMS address than a 電話番号 column, which may be a landline). Variables get ASCII names that
 * templates can use whatever the header's language: 金額 → amount, 支払期限 → dueDate.
 */
const ENTRIES: readonly (readonly [ColumnTarget, number, readonly string[]])[] = [
  [
    'phone',
    0,
    ['携帯番号', '携帯電話', '携帯電話番号', '携帯', 'mobile', 'mobilephone', 'mobilenumber', 'cell'],
  ],
  ['phone', 0, ['cellphone', 'sms', 'sms番号', 'sms送信先']],
  ['phone', 1, ['電話番号', '電話', 'tel', 'tel番号', 'phone', 'phonenumber', 'telephone', '連絡先電話番号']],
  ['name', 0, ['氏名', '名前', 'お名前', '顧客名', '契約者名', '会員名', 'お客様名', '宛名', '氏名漢字']],
  ['name', 0, ['name', 'fullname', 'customername']],
  ['externalId', 0, ['会員番号', '顧客番号', '顧客id', '会員id', 'お客様番号', '顧客コード', '会員コード']],
  ['externalId', 0, ['customerid', 'externalid', 'customerno', 'customernumber', 'memberid', 'membernumber']],
  ['externalId', 1, ['契約番号', 'id']],
  ['email', 0, ['メールアドレス', 'メール', 'eメール', 'eメールアドレス', 'email', 'emailaddress', 'mail']],
  ['email', 0, ['mailaddress', 'メアド']],
  ['lineUserId', 0, ['lineid', 'lineユーザーid', 'lineユーザid', 'lineuserid', 'lineユーザー', 'lineuid']],
  [
    { variable: 'amount' },
    0,
    ['金額', '請求金額', '請求額', 'ご請求金額', 'ご請求額', '支払金額', '支払い金額'],
  ],
  [{ variable: 'amount' }, 0, ['お支払金額', 'お支払い金額', 'amount', 'amountdue', 'billingamount']],
  [{ variable: 'amount' }, 1, ['未払金額', '残高', '利用金額', 'ご利用金額']],
  [{ variable: 'dueDate' }, 0, ['支払期限', '期限', '支払期日', '支払い期限', 'お支払期限', 'お支払い期限']],
  [{ variable: 'dueDate' }, 0, ['支払期限日', '納期限', 'duedate', 'paymentduedate', 'due', 'deadline']],
  [{ variable: 'dueDate' }, 1, ['期日', '支払日', 'お支払日']],
];

export interface KnownHeader {
  target: ColumnTarget;
  rank: number;
}

const KNOWN: ReadonlyMap<string, KnownHeader> = new Map(
  ENTRIES.flatMap(([target, rank, names]) => names.map((n) => [n, { target, rank }] as const)),
);

/**
 * The spelling headers are compared in: NFKC (full-width letters and digits to half-width, half-width
 * katakana to full-width), lower case, without BOM, spaces, punctuation people vary (`E-mail`, `LINE_ID`,
 * `顧客・ID`), required-field marks (`*`, `※…`) and notes in brackets (`金額（税込）`, `電話番号[ハイフンなし]`).
 */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/\uFEFF/g, '')
    .toLowerCase()
    .replace(/※.*$/u, '')
    .replace(/\(.*?\)|\[.*?\]|【.*?】|〔.*?〕|<.*?>|「.*?」/gu, '')
    .replace(/[\s_\-‐‑–—・.:：*'"/]/gu, '');
}

export function knownHeader(header: string): KnownHeader | null {
  return KNOWN.get(normalizeHeader(header)) ?? null;
}
