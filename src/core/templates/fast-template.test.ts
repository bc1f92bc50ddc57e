import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFast } from './fast-template.js';
import type { Flavor } from './filters.js';
import { liquidFor } from './liquid-engines.js';

/** What Liquid itself renders, or the error it throws (as the class name). */
function viaLiquid(source: string, flavor: Flavor, variables: Record<string, unknown>): string {
  try {
    return liquidFor(flavor).parseAndRenderSync(source, variables) as string;
  } catch (error) {
    return `error:${originalName(error)}`;
  }
}

function viaFast(source: string, flavor: Flavor, variables: Record<string, unknown>): string | undefined {
  const fast = compileFast(source, flavor);
  if (!fast) return undefined;
  try {
    return fast.render(variables);
  } catch (error) {
    return `error:${originalName(error)}`;
  }
}

function originalName(error: unknown): string {
  let e = error as { name?: string; originalError?: unknown };
  while (e.originalError) e = e.originalError as typeof e;
  return e.name ?? 'unknown';
}

const FLAVORS: Flavor[] = ['plain', 'sms', 'html'];

describe('compileFast', () => {
  it.each([
    ['{{ name }}様', true],
    ['{{name}}様 {{ amount | yen: "symbol" }} {{ due | date_ja }} {{ card | mask }}', true],
    ['{{ customer.name }}', true],
    ['no variables at all', true],
    ['{% if a %}x{% endif %}', false],
    ['{{ a | upcase }}', false],
    ['{{ a[0] }}', false],
    ['{{ list.size }}', false],
    ['{{- a -}}', false],
    ["{{ a | yen: 'sym\\'bol' }}", false],
    ['{{ empty }}', false],
    ['{{ a }} {{', false],
  ])('takes %j: %s', (source, fast) => {
    expect(compileFast(source, 'plain') !== null).toBe(fast);
  });

  it('leaves values outside plain scalars to Liquid', () => {
    const fast = compileFast('{{ a }}', 'plain')!;
    expect(fast.render({ a: 'x' })).toBe('x');
    expect(fast.render({ a: ['x', 'y'] })).toBeUndefined();
    expect(fast.render({ a: { b: 1 } })).toBeUndefined();
    expect(fast.render({})).toBeUndefined();
  });

  const scalar = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('2026-11-30', '12,345', '4111111111111234', '<&>"\'', 'ｶﾞ'),
  );
  const sources = fc.constantFrom(
    '{{ a }}',
    '前{{ a }}後{{ b }}',
    '{{ a | yen }}',
    '{{ a | yen: "symbol" }}',
    "{{ a | date_ja: 'wareki' }}",
    '{{ a | date_ja: "datetime" }}',
    '{{ a | mask }} {{ b | mask: "account" }}',
    '<p>{{ a }}</p>{{ b | yen }}',
    '{{ a | yen: "bogus" }}',
    '{{ c.d }}',
  );

  it('renders exactly what Liquid renders, for any values', () => {
    fc.assert(
      fc.property(
        sources,
        fc.constantFrom(...FLAVORS),
        scalar,
        scalar,
        fc.oneof(fc.record({ d: scalar }), scalar),
        (source, flavor, a, b, c) => {
          const variables = { a, b, c };
          const fast = viaFast(source, flavor, variables);
          if (fast === undefined) return;
          expect(fast).toBe(viaLiquid(source, flavor, variables));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
