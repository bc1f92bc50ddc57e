import type { AttributeValue, ContactRecord } from './contact.js';
import { normalizePhone } from './phone.js';

/**
 * Segments: saved filters over contacts. A filter is `{ all: [...] }` (every condition holds) or `{ any: [...] }`
 * (at least one does); an item is a condition or, one level down, a group of conditions.
 *
 * A condition names an attribute (`age`, `prefecture`, `attributes.name` for an attribute that shares its name
 * with a contact field) or a contact field (`name`, `phone`, `email`, `externalId`, `hasLine`), an operator and
 * a value. How values meet:
 * - A value is missing when the contact does not have it (or it is empty text). `exists` / `not_exists` test that;
 *   every other operator except `ne` and `not_in` is false for a missing value, and those two are true.
 * - Numbers: text that reads as a number counts as that number (`"35"`, `"３５"`, `"12,000"`, `"-1.5"`), so
 *   `age gte 30` holds for an age stored as the text "35", and `eq` compares such values as numbers (`"035"` eq 35).
 * - Ordering (`gt`, `gte`, `lt`, `lte`, `between`, inclusive): numbers when both sides read as numbers, text by
 *   character code when neither does (ISO dates such as 2026-12-01 order as dates); a number against text that is
 *   not a number never matches, nor does a flag.
 * - Flags: true and false equal only flags and the text "true"/"false" (any case).
 * - `prefix` tests the value's text (numbers as written in JSON). `email` is compared without regard to case;
 *   `phone` in E.164, and condition values are normalised as the API normalises numbers (`090-1234-5678` and
 *   `+819012345678` are the same; a prefix `090` means `+8190`).
 * - `hasLine` is true when the contact has at least one linked LINE user ID; it takes eq / ne with a flag.
 */

export const FILTER_OPS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'exists',
  'not_exists',
  'prefix',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export type FilterScalar = AttributeValue;

export interface FilterCondition {
  attribute: string;
  op: FilterOp;
  value?: FilterScalar | FilterScalar[];
}

export type FilterGroup = { all: FilterCondition[] } | { any: FilterCondition[] };
export type FilterItem = FilterCondition | FilterGroup;
export type SegmentFilter = { all: FilterItem[] } | { any: FilterItem[] };

/** Contact fields a condition can name; any other name is an attribute. */
export const CONTACT_FIELDS = ['name', 'phone', 'email', 'externalId', 'hasLine'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** Prefix that names an attribute explicitly, for one called like a contact field (`attributes.name`). */
export const ATTRIBUTE_PREFIX = 'attributes.';

export const MAX_IN_VALUES = 1_000;

const isScalar = (v: unknown): v is FilterScalar =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * What is wrong with one condition's operator and value, or null. The API checks the structure first (zod);
 * this is the part that depends on the operator and the attribute.
 */
export function conditionProblem(condition: FilterCondition): string | null {
  const { attribute, op, value } = condition;
  if (attribute.startsWith(ATTRIBUTE_PREFIX) && attribute.length === ATTRIBUTE_PREFIX.length) {
    return 'attributes. must be followed by the attribute name';
  }
  if (attribute === 'hasLine' && !['eq', 'ne', 'exists', 'not_exists'].includes(op)) {
    return 'hasLine takes eq or ne with true or false';
  }
  switch (op) {
    case 'exists':
    case 'not_exists':
      return value === undefined ? null : `${op} takes no value`;
    case 'eq':
    case 'ne':
      if (!isScalar(value)) return `${op} needs a value: text, a number or true/false`;
      if (attribute === 'hasLine' && typeof value !== 'boolean' && !/^(true|false)$/i.test(String(value)))
        return 'hasLine takes true or false';
      return null;
    case 'in':
    case 'not_in':
      if (!Array.isArray(value) || value.length === 0) return `${op} needs a list of values`;
      if (value.length > MAX_IN_VALUES) return `${op} takes at most ${MAX_IN_VALUES} values`;
      return value.every(isScalar) ? null : `${op} values must be text, numbers or true/false`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number' || typeof value === 'string'
        ? null
        : `${op} needs a number or text to compare with`;
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) return 'between needs [low, high]';
      const [low, high] = value;
      if (
        !(typeof low === 'number' || typeof low === 'string') ||
        !(typeof high === 'number' || typeof high === 'string')
      )
        return 'between bounds must be numbers or text';
      const order = compare(low, high);
      if (order === null) return 'between bounds must both be numbers or both be text';
      return order > 0 ? 'between: the low bound is above the high bound' : null;
    }
    case 'prefix':
      return typeof value === 'string' && value.length > 0 ? null : 'prefix needs non-empty text';
    default:
      return `unknown operator ${JSON.stringify(op)}`;
  }
}

const NUMBER = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$/;

/** The number a value reads as, or null: numbers, and text such as "35", "３５", "12,000" or "-1.5". */
export function numberOf(value: FilterScalar): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.normalize('NFKC').trim();
  if (!NUMBER.test(text)) return null;
  const n = Number(text.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

function flagOf(value: FilterScalar): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  return null;
}

/** Equality as documented above: numbers when both read as numbers, flags with flags, text exactly. */
export function same(a: FilterScalar, b: FilterScalar): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const fa = flagOf(a);
    return fa !== null && fa === flagOf(b);
  }
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== null && nb !== null) return na === nb;
  return String(a) === String(b);
}

/** Order as documented above; null when the two cannot be ordered (a number against text, a flag). */
export function compare(a: FilterScalar, b: FilterScalar): number | null {
  if (typeof a === 'boolean' || typeof b === 'boolean') return null;
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== null && nb !== null) return na === nb ? 0 : na < nb ? -1 : 1;
  if (na !== null || nb !== null) return null;
  const sa = String(a);
  const sb = String(b);
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

type Read = (contact: ContactRecord) => FilterScalar | undefined;

function reader(attribute: string): Read {
  if (attribute.startsWith(ATTRIBUTE_PREFIX)) {
    const key = attribute.slice(ATTRIBUTE_PREFIX.length);
    return (c) => c.attributes[key];
  }
  switch (attribute) {
    case 'name':
      return (c) => c.name ?? undefined;
    case 'phone':
      return (c) => c.phone ?? undefined;
    case 'email':
      return (c) => (c.email === null ? undefined : c.email.toLowerCase());
    case 'externalId':
      return (c) => c.externalId ?? undefined;
    case 'hasLine':
      return (c) => c.lineUserIds.length > 0;
    default:
      return (c) => c.attributes[attribute];
  }
}

const isMissing = (v: FilterScalar | undefined): v is undefined =>
  v === undefined || v === null || (typeof v === 'string' && v.trim().length === 0);

/** A condition value as the field is stored: phone numbers in E.164, e-mail addresses in lower case. */
function asStored(attribute: string, value: FilterScalar): FilterScalar {
  if (typeof value !== 'string') return value;
  if (attribute === 'phone') {
    const phone = normalizePhone(value);
    return phone.ok || phone.code === 'not_sms_capable' ? phone.e164 : value;
  }
  if (attribute === 'email') return value.trim().toLowerCase();
  return value;
}

function phonePrefix(value: string): string {
  const compact = value.replace(/[\s\-‐‑–—−－ー().（）]/g, '').normalize('NFKC');
  return compact.startsWith('0') ? `+81${compact.slice(1)}` : compact;
}

type Test = (contact: ContactRecord) => boolean;

function conditionTest(condition: FilterCondition): Test {
  const problem = conditionProblem(condition);
  if (problem !== null) throw new Error(`invalid condition on ${condition.attribute}: ${problem}`);
  const { attribute, op } = condition;
  const read = reader(attribute);
  const value = condition.value;
  const one = isScalar(value) ? asStored(attribute, value) : null;
  const list = Array.isArray(value) ? value.map((v) => asStored(attribute, v)) : [];
  switch (op) {
    case 'exists':
      return (c) => !isMissing(read(c));
    case 'not_exists':
      return (c) => isMissing(read(c));
    case 'eq':
      return (c) => {
        const v = read(c);
        return !isMissing(v) && same(v, one!);
      };
    case 'ne':
      return (c) => {
        const v = read(c);
        return isMissing(v) || !same(v, one!);
      };
    case 'in':
      return (c) => {
        const v = read(c);
        return !isMissing(v) && list.some((x) => same(v, x));
      };
    case 'not_in':
      return (c) => {
        const v = read(c);
        return isMissing(v) || !list.some((x) => same(v, x));
      };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const holds = {
        gt: (o: number) => o > 0,
        gte: (o: number) => o >= 0,
        lt: (o: number) => o < 0,
        lte: (o: number) => o <= 0,
      }[op];
      return (c) => {
        const v = read(c);
        if (isMissing(v)) return false;
        const order = compare(v, one!);
        return order !== null && holds(order);
      };
    }
    case 'between': {
      const [low, high] = list as [FilterScalar, FilterScalar];
      return (c) => {
        const v = read(c);
        if (isMissing(v)) return false;
        const above = compare(v, low);
        const below = compare(v, high);
        return above !== null && below !== null && above >= 0 && below <= 0;
      };
    }
    case 'prefix': {
      const start =
        attribute === 'phone' ? phonePrefix(one as string) : (asStored(attribute, one!) as string);
      return (c) => {
        const v = read(c);
        return !isMissing(v) && String(v).startsWith(start);
      };
    }
  }
}

function isGroup(item: FilterItem): item is FilterGroup {
  return 'all' in item || 'any' in item;
}

function groupTest(items: readonly FilterItem[], mode: 'all' | 'any', depth: number): Test {
  const tests = items.map((item): Test => {
    if (!isGroup(item)) return conditionTest(item);
    if (depth > 0) throw new Error('a group inside a group: filters nest one level only');
    return 'all' in item ? groupTest(item.all, 'all', depth + 1) : groupTest(item.any, 'any', depth + 1);
  });
  if (mode === 'all') return (c) => tests.every((t) => t(c));
  return (c) => tests.some((t) => t(c));
}

/**
 * The filter as a test of one contact, checked and prepared once (values normalised, operators chosen) so a
 * million contacts are tested quickly. Throws on a filter the API would have refused.
 */
export function compileFilter(filter: SegmentFilter): (contact: ContactRecord) => boolean {
  if ('all' in filter && Array.isArray(filter.all)) return groupTest(filter.all, 'all', 0);
  if ('any' in filter && Array.isArray(filter.any)) return groupTest(filter.any, 'any', 0);
  throw new Error('a filter is { all: [...] } or { any: [...] }');
}
