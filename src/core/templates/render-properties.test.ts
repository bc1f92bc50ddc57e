import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../channels.js';
import { findPnpTemplateViolations } from '../text/line-limits.js';
import { measureText } from '../text/measure-text.js';
import { checkContent } from '../text/rules/check-content.js';
import { compileTemplate, type CompiledTemplate } from './compile-template.js';
import { renderTemplate } from './render-template.js';

/** Any Unicode: grapheme clusters (emoji, combining marks) and raw code points, lone surrogates included. */
const anyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({
    unit: fc.constantFrom('ｶ', 'ﾞ', '¥', '😀', '\u200d', '{{', '}}', '{%', '<', '&'),
    maxLength: 60,
  }),
);
/** Values as JSON can carry them: strings above all, but also numbers, booleans, null, lists and objects. */
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(anyString, fc.constantFrom('name', 'size', '__proto__')), tie('value'), {
      maxKeys: 3,
    }),
  ),
})).value;

function compile(channels: Parameters<typeof compileTemplate>[0]['channels'], optional?: string[]) {
  const result = compileTemplate({ channels, ...(optional ? { optionalVariables: optional } : {}) });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.template;
}

const templates: CompiledTemplate[] = [
  compile({
    sms: { text: '{{ name }}様 {{ amount | yen }} {{ due | date_ja: "wareki" }} {{ card | mask }}' },
    line_push: { text: '{{ customer.name }} {{ amount | yen: "symbol" }}' },
    email: { subject: '{{ name }}', text: '{{ name }}', html: '<p>{{ name }} {{ amount }}</p>' },
  }),
  compile(
    {
      line_pnp: {
        template: {
          templateKey: 'k',
          emphasizedItem: { itemKey: 'e', content: '{{ amount | yen }}' },
          items: [{ itemKey: 'i', content: '{% for x in list %}{{ x }}{% endfor %}{{ name | upcase }}' }],
          buttons: [{ buttonKey: 'b', url: 'https://x.jp/{{ name | url_encode }}' }],
        },
      },
      sms: { text: '{% if flag %}{{ name | truncate: 5 }}{% endif %}{{ list | join: "," }}' },
    },
    ['flag', 'list'],
  ),
];

describe('rendering and measuring arbitrary variables', () => {
  it('never throws: every outcome is a rendering or a reason', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...templates),
        fc.dictionary(
          fc.oneof(fc.constantFrom('name', 'amount', 'due', 'card', 'customer', 'list', 'flag'), anyString),
          anyValue,
          { maxKeys: 8 },
        ),
        (template, variables) => {
          const result = renderTemplate(template, variables);
          expect(['boolean']).toContain(typeof result.ok);
          if (!result.ok) {
            expect(['missing_variable', 'invalid_variable', 'render_failed']).toContain(result.code);
            return;
          }
          for (const channel of CHANNELS) {
            const rendered = result.channels[channel];
            if (!rendered) continue;
            expect(typeof rendered.text).toBe('string');
            measureText(channel, rendered.text);
            checkContent({ channel, text: rendered.text, subject: rendered.subject, promotional: false });
            if (rendered.pnpTemplate) findPnpTemplateViolations(rendered.pnpTemplate.body);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('renders any string values of the required variables without a missing_variable', () => {
    fc.assert(
      fc.property(anyString, anyString, (name, customerName) => {
        fc.pre(name.trim() !== '' && customerName.trim() !== '');
        const result = renderTemplate(templates[0]!, { name, amount: 1, customer: { name: customerName } }, [
          'line_push',
        ]);
        expect(result.ok === false && result.code === 'missing_variable').toBe(false);
      }),
    );
  });
});
