/**
 * Liquid filters for Japanese business text: amounts in yen, dates with the weekday (and 和暦), and card or
 * account numbers masked to their last four digits. Each takes null (an optional variable left out) to ''.
 */

/** Where the text goes: SMS cannot carry ¥ (U+00A5 is outside JIS X 0208 and arrives garbled); HTML is escaped. */
export type Flavor = 'plain' | 'sms' | 'html';

/** A variable a filter cannot format (`abc | yen`): the message is refused, naming the filter. */
export class FilterInputError extends Error {
  constructor(
    readonly filter: string,
    message: string,
  ) {
    super(message);
    this.name = 'FilterInputError';
  }
}

const describe = (value: unknown) => {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

const AMOUNT = /^[-+]?\d+(?:\.\d+)?$/;
const amountFormat = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 2 });

function toAmount(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  // Amounts arrive as 12345, "12,345", "１２，３４５" or "¥12,345" from spreadsheets: all mean the same.
  const plain = value
    .normalize('NFKC')
    .replace(/[,\s]/g, '')
    .replace(/^[¥￥]/, '')
    .replace(/円$/, '');
  if (!AMOUNT.test(plain)) return null;
  const amount = Number(plain);
  return Number.isFinite(amount) ? amount : null;
}

/** Thousands separators for a whole number of yen, the common case, without the cost of Intl. */
function groupDigits(amount: number): string {
  if (!Number.isSafeInteger(amount)) return amountFormat.format(amount);
  const digits = String(amount);
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

/** `12,345円` (default) or `¥12,345` (`'symbol'`; `￥12,345` in SMS). */
export function formatYen(value: unknown, style: unknown, flavor: Flavor): string {
  if (value === null || value === undefined) return '';
  const amount = toAmount(value);
  if (amount === null) throw new FilterInputError('yen', `yen: ${describe(value)} is not an amount`);
  const digits = groupDigits(Math.abs(amount));
  const sign = amount < 0 ? '-' : '';
  if (style === undefined || style === 'suffix') return `${sign}${digits}円`;
  if (style === 'symbol') return `${sign}${flavor === 'sms' ? '￥' : '¥'}${digits}`;
  throw new FilterInputError('yen', `yen: unknown style ${describe(style)} (use 'symbol' or none)`);
}

const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];
const JST_OFFSET_MS = 9 * 3_600_000;
const DATE_ONLY = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const eraFormat = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  era: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A Japan wall-clock time as a UTC-based Date (read it with getUTC*), and whether it carries a time of day. */
function toJapanTime(value: unknown): { at: Date; hasTime: boolean } | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) < 8.64e15
      ? { at: new Date(value + JST_OFFSET_MS), hasTime: true }
      : null;
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const date = DATE_ONLY.exec(text);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const at = new Date(Date.UTC(y, m - 1, d));
    // Date.UTC rolls 2026-02-30 over to March: such a date is a typo, not a date.
    if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) return null;
    return { at, hasTime: false };
  }
  const local = LOCAL_DATE_TIME.exec(text);
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1).map((part) => Number(part ?? 0)) as number[];
    const at = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
    return Number.isNaN(at.getTime()) || at.getUTCDate() !== d ? null : { at, hasTime: true };
  }
  if (DATE_TIME_WITH_ZONE.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : { at: new Date(ms + JST_OFFSET_MS), hasTime: true };
  }
  return null;
}

/**
 * `2026年11月30日(月)` (default), `令和8年11月30日(月)` (`'wareki'`), `11月30日(月)` (`'short'`) or
 * `2026年11月30日(月) 09:05` (`'datetime'`). Takes `2026-11-30`, an ISO time (with an offset: shown in Japan
 * time; without: taken as Japan time) or milliseconds since the epoch.
 */
export function formatDateJa(value: unknown, style: unknown): string {
  if (value === null || value === undefined) return '';
  // A batch repeats a handful of due dates thousands of times: remember the last few hundred.
  const key =
    typeof value === 'string' && (style === undefined || typeof style === 'string')
      ? `${style}|${value}`
      : null;
  const known = key === null ? undefined : recentDates.get(key);
  if (known !== undefined) return known;
  const formatted = formatDate(value, style);
  if (key !== null) {
    if (recentDates.size >= 500) recentDates.clear();
    recentDates.set(key, formatted);
  }
  return formatted;
}

const recentDates = new Map<string, string>();

function formatDate(value: unknown, style: unknown): string {
  const parsed = toJapanTime(value);
  if (!parsed) throw new FilterInputError('date_ja', `date_ja: ${describe(value)} is not a date`);
  const { at, hasTime } = parsed;
  const monthDay = `${at.getUTCMonth() + 1}月${at.getUTCDate()}日(${WEEKDAYS[at.getUTCDay()]})`;
  const time = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
  switch (style) {
    case undefined:
    case 'default':
      return `${at.getUTCFullYear()}年${monthDay}`;
    case 'short':
      return monthDay;
    case 'datetime':
      return `${at.getUTCFullYear()}年${monthDay}${hasTime ? ` ${time}` : ''}`;
    case 'wareki': {
      let era = '';
      let year = '';
      for (const part of eraFormat.formatToParts(at)) {
        if (part.type === 'era') era = part.value;
        else if (part.type === 'year') year = part.value;
      }
      return `${era}${year}年${monthDay}`;
    }
    default:
      throw new FilterInputError(
        'date_ja',
        `date_ja: unknown style ${describe(style)} (use 'wareki', 'short', 'datetime' or none)`,
      );
  }
}

/**
 * A card number as `**** **** **** 1234` (default), or any number as `***4567` (`'account'`): only the last four
 * digits show, and none when there are four or fewer.
 */
export function maskNumber(value: unknown, style: unknown): string {
  if (value === null || value === undefined) return '';
  const digits =
    typeof value === 'string' || typeof value === 'number'
      ? String(value).normalize('NFKC').replace(/\D/g, '')
      : '';
  if (digits === '') throw new FilterInputError('mask', `mask: ${describe(value)} has no digits to mask`);
  if (style !== undefined && style !== 'card' && style !== 'account') {
    throw new FilterInputError('mask', `mask: unknown style ${describe(style)} (use 'account' or none)`);
  }
  if (digits.length <= 4) return '*'.repeat(digits.length);
  const last4 = digits.slice(-4);
  if (style !== 'account' && digits.length >= 12) return `**** **** **** ${last4}`;
  return `${'*'.repeat(digits.length - 4)}${last4}`;
}

/** The filters by name, for one flavor. */
export function filtersFor(flavor: Flavor): Record<string, (value: unknown, style?: unknown) => string> {
  return {
    yen: (value, style) => formatYen(value, style, flavor),
    date_ja: (value, style) => formatDateJa(value, style),
    mask: (value, style) => maskNumber(value, style),
  };
}
