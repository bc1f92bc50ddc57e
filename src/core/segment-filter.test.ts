import { describe, expect, it } from 'vitest';
import type { ContactRecord } from './contact.js';
import {
  compare,
  compileFilter,
  conditionProblem,
  numberOf,
  same,
  type FilterCondition,
  type SegmentFilter,
} from './segment-filter.js';

function contact(overrides: Partial<ContactRecord> = {}): ContactRecord {
  return {
    id: '01JCONTACT0000000000000001',
    externalId: 'M001',
    phone: '+819012345678',
    phoneHmac: 'hmac',
    email: 'Taro@Example.jp',
    name: '山田 太郎',
    lineUserIds: [],
    attributes: {},
    createdAt: 0,
    updatedAt: 0,
    version: 0,
    ...overrides,
  };
}

const holds = (condition: FilterCondition, c: ContactRecord) => compileFilter({ all: [condition] })(c);
const withAttr = (attributes: ContactRecord['attributes']) => contact({ attributes });

describe('numbers, equality and order', () => {
  it('reads numbers from numbers and numeric text, full-width and with thousands separators', () => {
    expect(numberOf(35)).toBe(35);
    expect(numberOf('35')).toBe(35);
    expect(numberOf(' 35 ')).toBe(35);
    expect(numberOf('３５')).toBe(35);
    expect(numberOf('12,000')).toBe(12000);
    expect(numberOf('１２，０００')).toBe(12000);
    expect(numberOf('-1.5')).toBe(-1.5);
    expect(numberOf('+7')).toBe(7);
    for (const text of ['', 'abc', '35歳', '1e3', '1,00', '12,34,567', '.5', '2026-12-01', 'NaN'])
      expect(numberOf(text)).toBeNull();
    expect(numberOf(true)).toBeNull();
  });

  it('compares equal values: numbers as numbers, flags with flags, text exactly', () => {
    expect(same('035', 35)).toBe(true);
    expect(same('35.0', '35')).toBe(true);
    expect(same(true, 'TRUE')).toBe(true);
    expect(same('false', false)).toBe(true);
    expect(same(true, 1)).toBe(false);
    expect(same('yes', true)).toBe(false);
    expect(same('gold', 'Gold')).toBe(false);
    expect(same('東京都', '東京都')).toBe(true);
  });

  it('orders numbers with numbers and text with text, and nothing else', () => {
    expect(compare('35', 30)).toBe(1);
    expect(compare('9', '10')).toBe(-1);
    expect(compare('2026-01-31', '2026-02-01')).toBe(-1);
    expect(compare('b', 'a')).toBe(1);
    expect(compare('abc', 30)).toBeNull();
    expect(compare(30, 'abc')).toBeNull();
    expect(compare(true, 1)).toBeNull();
    expect(compare(5, 5)).toBe(0);
  });
});

describe('operators', () => {
  const age35 = withAttr({ age: 35 });
  const ageText = withAttr({ age: '35' });
  const ageWord = withAttr({ age: 'unknown' });
  const none = withAttr({});

  it('eq / ne: numbers stored as text equal numbers; ne and not_in hold for a missing value', () => {
    expect(holds({ attribute: 'age', op: 'eq', value: 35 }, ageText)).toBe(true);
    expect(holds({ attribute: 'age', op: 'eq', value: '35' }, age35)).toBe(true);
    expect(holds({ attribute: 'age', op: 'eq', value: 36 }, age35)).toBe(false);
    expect(holds({ attribute: 'age', op: 'eq', value: 35 }, none)).toBe(false);
    expect(holds({ attribute: 'age', op: 'ne', value: 35 }, age35)).toBe(false);
    expect(holds({ attribute: 'age', op: 'ne', value: 36 }, age35)).toBe(true);
    expect(holds({ attribute: 'age', op: 'ne', value: 35 }, none)).toBe(true);
  });

  it('in / not_in', () => {
    const osaka = withAttr({ prefecture: '大阪府' });
    expect(holds({ attribute: 'prefecture', op: 'in', value: ['東京都', '大阪府'] }, osaka)).toBe(true);
    expect(holds({ attribute: 'prefecture', op: 'in', value: ['東京都'] }, osaka)).toBe(false);
    expect(holds({ attribute: 'prefecture', op: 'in', value: ['東京都'] }, none)).toBe(false);
    expect(holds({ attribute: 'prefecture', op: 'not_in', value: ['東京都'] }, osaka)).toBe(true);
    expect(holds({ attribute: 'prefecture', op: 'not_in', value: ['大阪府'] }, osaka)).toBe(false);
    expect(holds({ attribute: 'prefecture', op: 'not_in', value: ['大阪府'] }, none)).toBe(true);
    expect(holds({ attribute: 'age', op: 'in', value: [30, 35] }, ageText)).toBe(true);
  });

  it('gt / gte / lt / lte compare numbers when both sides parse as numbers (age gte 30 on "35")', () => {
    expect(holds({ attribute: 'age', op: 'gte', value: 30 }, ageText)).toBe(true);
    expect(holds({ attribute: 'age', op: 'gte', value: 35 }, ageText)).toBe(true);
    expect(holds({ attribute: 'age', op: 'gt', value: 35 }, ageText)).toBe(false);
    expect(holds({ attribute: 'age', op: 'lt', value: 40 }, age35)).toBe(true);
    expect(holds({ attribute: 'age', op: 'lte', value: 34 }, age35)).toBe(false);
    // "100" is not below "30" as text would have it.
    expect(holds({ attribute: 'age', op: 'gt', value: '30' }, withAttr({ age: '100' }))).toBe(true);
  });

  it('never matches a number against text that is not a number, a flag, or a missing value', () => {
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
      expect(holds({ attribute: 'age', op, value: 30 }, ageWord)).toBe(false);
      expect(holds({ attribute: 'age', op, value: 30 }, withAttr({ age: true }))).toBe(false);
      expect(holds({ attribute: 'age', op, value: 30 }, none)).toBe(false);
    }
  });

  it('orders text as text: ISO dates', () => {
    const due = withAttr({ due: '2026-12-01' });
    expect(holds({ attribute: 'due', op: 'gte', value: '2026-11-30' }, due)).toBe(true);
    expect(holds({ attribute: 'due', op: 'lt', value: '2026-12-01' }, due)).toBe(false);
    expect(holds({ attribute: 'due', op: 'between', value: ['2026-12-01', '2026-12-31'] }, due)).toBe(true);
  });

  it('between is inclusive at both ends', () => {
    const range: FilterCondition = { attribute: 'age', op: 'between', value: [30, 39] };
    expect(holds(range, withAttr({ age: 30 }))).toBe(true);
    expect(holds(range, withAttr({ age: '39' }))).toBe(true);
    expect(holds(range, withAttr({ age: 29.9 }))).toBe(false);
    expect(holds(range, withAttr({ age: 40 }))).toBe(false);
    expect(holds(range, ageWord)).toBe(false);
    expect(holds(range, none)).toBe(false);
  });

  it('exists / not_exists: empty text counts as missing', () => {
    expect(holds({ attribute: 'plan', op: 'exists' }, withAttr({ plan: 'gold' }))).toBe(true);
    expect(holds({ attribute: 'plan', op: 'exists' }, withAttr({ plan: false }))).toBe(true);
    expect(holds({ attribute: 'plan', op: 'exists' }, withAttr({ plan: 0 }))).toBe(true);
    expect(holds({ attribute: 'plan', op: 'exists' }, withAttr({ plan: '  ' }))).toBe(false);
    expect(holds({ attribute: 'plan', op: 'exists' }, none)).toBe(false);
    expect(holds({ attribute: 'plan', op: 'not_exists' }, none)).toBe(true);
    expect(holds({ attribute: 'plan', op: 'not_exists' }, withAttr({ plan: 'x' }))).toBe(false);
  });

  it('prefix tests the text of the value', () => {
    expect(holds({ attribute: 'zip', op: 'prefix', value: '060' }, withAttr({ zip: '0600001' }))).toBe(true);
    expect(holds({ attribute: 'zip', op: 'prefix', value: '061' }, withAttr({ zip: '0600001' }))).toBe(false);
    expect(holds({ attribute: 'code', op: 'prefix', value: '12' }, withAttr({ code: 1234 }))).toBe(true);
    expect(holds({ attribute: 'zip', op: 'prefix', value: '0' }, none)).toBe(false);
  });

  it('flags equal flags and "true"/"false" text', () => {
    expect(holds({ attribute: 'gold', op: 'eq', value: true }, withAttr({ gold: true }))).toBe(true);
    expect(holds({ attribute: 'gold', op: 'eq', value: true }, withAttr({ gold: 'true' }))).toBe(true);
    expect(holds({ attribute: 'gold', op: 'eq', value: 'false' }, withAttr({ gold: false }))).toBe(true);
    expect(holds({ attribute: 'gold', op: 'eq', value: true }, withAttr({ gold: 1 }))).toBe(false);
    expect(holds({ attribute: 'gold', op: 'ne', value: true }, withAttr({ gold: false }))).toBe(true);
  });
});

describe('contact fields', () => {
  it('reads name, externalId, phone (E.164, values normalised) and email (any case)', () => {
    const c = contact();
    expect(holds({ attribute: 'name', op: 'prefix', value: '山田' }, c)).toBe(true);
    expect(holds({ attribute: 'externalId', op: 'in', value: ['M001', 'M002'] }, c)).toBe(true);
    expect(holds({ attribute: 'phone', op: 'eq', value: '090-1234-5678' }, c)).toBe(true);
    expect(holds({ attribute: 'phone', op: 'eq', value: '+81 90 1234 5678' }, c)).toBe(true);
    expect(holds({ attribute: 'phone', op: 'in', value: ['08011112222', '09012345678'] }, c)).toBe(true);
    expect(holds({ attribute: 'phone', op: 'prefix', value: '090' }, c)).toBe(true);
    expect(holds({ attribute: 'phone', op: 'prefix', value: '+8190' }, c)).toBe(true);
    expect(holds({ attribute: 'phone', op: 'prefix', value: '080' }, c)).toBe(false);
    expect(holds({ attribute: 'email', op: 'eq', value: 'taro@example.JP' }, c)).toBe(true);
    expect(holds({ attribute: 'email', op: 'prefix', value: 'TARO@' }, c)).toBe(true);
    expect(holds({ attribute: 'email', op: 'not_exists' }, contact({ email: null }))).toBe(true);
    expect(holds({ attribute: 'phone', op: 'exists' }, contact({ phone: null }))).toBe(false);
    expect(holds({ attribute: 'name', op: 'ne', value: 'x' }, contact({ name: null }))).toBe(true);
  });

  it('hasLine: whether a LINE user ID is linked', () => {
    const linked = contact({ lineUserIds: [`U${'a'.repeat(32)}`] });
    const unlinked = contact();
    expect(holds({ attribute: 'hasLine', op: 'eq', value: true }, linked)).toBe(true);
    expect(holds({ attribute: 'hasLine', op: 'eq', value: true }, unlinked)).toBe(false);
    expect(holds({ attribute: 'hasLine', op: 'eq', value: 'false' }, unlinked)).toBe(true);
    expect(holds({ attribute: 'hasLine', op: 'ne', value: true }, unlinked)).toBe(true);
  });

  it('a field name wins over an attribute of that name; attributes.<name> reads the attribute', () => {
    const c = contact({ name: '山田', attributes: { name: 'ニックネーム', age: 20 } });
    expect(holds({ attribute: 'name', op: 'eq', value: '山田' }, c)).toBe(true);
    expect(holds({ attribute: 'attributes.name', op: 'eq', value: 'ニックネーム' }, c)).toBe(true);
    expect(holds({ attribute: 'attributes.age', op: 'gte', value: 18 }, c)).toBe(true);
  });
});

describe('all / any and one level of nesting', () => {
  const filter: SegmentFilter = {
    all: [
      { attribute: 'age', op: 'between', value: [30, 39] },
      {
        any: [
          { attribute: 'prefecture', op: 'eq', value: '東京都' },
          { attribute: 'hasLine', op: 'eq', value: true },
        ],
      },
      { attribute: 'plan', op: 'ne', value: 'free' },
    ],
  };
  const test = compileFilter(filter);

  it('matches when every item of all holds, and any of the group does', () => {
    expect(test(withAttr({ age: 35, prefecture: '東京都' }))).toBe(true);
    expect(test(contact({ attributes: { age: 35, prefecture: '大阪府' }, lineUserIds: ['Ux'] }))).toBe(true);
    expect(test(withAttr({ age: 35, prefecture: '大阪府' }))).toBe(false);
    expect(test(withAttr({ age: 45, prefecture: '東京都' }))).toBe(false);
    expect(test(withAttr({ age: 35, prefecture: '東京都', plan: 'free' }))).toBe(false);
  });

  it('treats an empty all as everyone and an empty any as no one', () => {
    expect(compileFilter({ all: [] })(contact())).toBe(true);
    expect(compileFilter({ any: [] })(contact())).toBe(false);
    expect(compileFilter({ any: [{ all: [] }] })(contact())).toBe(true);
  });

  it('refuses a second level of nesting and a filter of another shape', () => {
    const deep = {
      all: [{ any: [{ all: [{ attribute: 'a', op: 'exists' }] }] }],
    } as unknown as SegmentFilter;
    expect(() => compileFilter(deep)).toThrow(/one level/);
    expect(() => compileFilter({ none: [] } as unknown as SegmentFilter)).toThrow(/all.*any/);
    expect(() => compileFilter({ all: [{ attribute: 'a', op: 'gt' }] })).toThrow(/gt needs/);
  });
});

describe('condition problems', () => {
  it.each<[FilterCondition, RegExp | null]>([
    [{ attribute: 'age', op: 'gte', value: 30 }, null],
    [{ attribute: 'age', op: 'gte' }, /gte needs/],
    [{ attribute: 'age', op: 'gte', value: true }, /gte needs/],
    [{ attribute: 'plan', op: 'exists', value: 'x' }, /takes no value/],
    [{ attribute: 'plan', op: 'eq' }, /eq needs/],
    [{ attribute: 'plan', op: 'eq', value: ['a'] }, /eq needs/],
    [{ attribute: 'plan', op: 'in', value: [] }, /list/],
    [{ attribute: 'plan', op: 'in', value: 'gold' }, /list/],
    [{ attribute: 'plan', op: 'in', value: Array.from({ length: 1001 }, (_, i) => i) }, /at most 1000/],
    [{ attribute: 'age', op: 'between', value: [30] }, /\[low, high\]/],
    [{ attribute: 'age', op: 'between', value: [40, 30] }, /low bound is above/],
    [{ attribute: 'age', op: 'between', value: [30, 'x'] }, /both be numbers or both be text/],
    [{ attribute: 'age', op: 'between', value: [true, 3] }, /numbers or text/],
    [{ attribute: 'zip', op: 'prefix', value: '' }, /non-empty/],
    [{ attribute: 'zip', op: 'prefix', value: 1 }, /non-empty text/],
    [{ attribute: 'hasLine', op: 'gt', value: 1 }, /hasLine takes/],
    [{ attribute: 'hasLine', op: 'eq', value: 'yes' }, /true or false/],
    [{ attribute: 'hasLine', op: 'eq', value: true }, null],
    [{ attribute: 'attributes.', op: 'exists' }, /attribute name/],
    [{ attribute: 'a', op: 'like' as never, value: 'x' }, /unknown operator/],
  ])('%j → %s', (condition, problem) => {
    const found = conditionProblem(condition);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});
