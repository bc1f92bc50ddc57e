import { describe, expect, it } from 'vitest';
import { compileTemplate, type CompiledTemplate } from './compile-template.js';
import { renderTemplate } from './render-template.js';
import type { TemplateSource } from './template-content.js';

function compile(source: TemplateSource): CompiledTemplate {
  const result = compileTemplate(source);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.template;
}

const reminder = compile({
  channels: {
    sms: { text: '{{ name }}様 ご請求額{{ amount | yen: "symbol" }}、期限{{ due | date_ja }}' },
    line_push: { text: '{{ name }}様 ご請求額{{ amount | yen: "symbol" }}' },
    email: {
      subject: '【ご請求】{{ due | date_ja: "short" }}期限',
      text: '{{ name }}様',
      html: '<p>{{ name }}様 {{ amount | yen }}</p>',
    },
    line_pnp: {
      template: {
        templateKey: 'payment_reminder_ja',
        emphasizedItem: { itemKey: 'amount_001_ja', content: '{{ amount | yen }}' },
        items: [{ itemKey: 'due_001_ja', content: '{{ due | date_ja }}' }],
        buttons: [{ buttonKey: 'pay_001_ja', url: 'https://pay.example.jp/{{ invoice }}' }],
      },
    },
  },
});
const vars = { name: '山田', amount: 12345, due: '2026-11-30', invoice: 'INV-1' };

describe('renderTemplate', () => {
  it('renders every channel of the template', () => {
    const result = renderTemplate(reminder, vars);
    expect(result).toEqual({
      ok: true,
      channels: {
        sms: { text: '山田様 ご請求額￥12,345、期限2026年11月30日(月)' },
        line_push: { text: '山田様 ご請求額¥12,345' },
        email: {
          subject: '【ご請求】11月30日(月)期限',
          text: '山田様',
          html: '<p>山田様 12,345円</p>',
        },
        line_pnp: {
          text: '',
          pnpTemplate: {
            templateKey: 'payment_reminder_ja',
            body: {
              emphasizedItem: { itemKey: 'amount_001_ja', content: '12,345円' },
              items: [{ itemKey: 'due_001_ja', content: '2026年11月30日(月)' }],
              buttons: [{ buttonKey: 'pay_001_ja', url: 'https://pay.example.jp/INV-1' }],
            },
          },
        },
      },
    });
  });

  it('renders only the channels asked for, and needs only their variables', () => {
    const result = renderTemplate(reminder, { name: '山田', amount: 1 }, ['line_push']);
    expect(result).toEqual({ ok: true, channels: { line_push: { text: '山田様 ご請求額¥1' } } });
  });

  it.each([
    ['left out', { amount: 1, due: '2026-11-30', invoice: 'x' }],
    ['empty', { ...vars, name: '' }],
    ['blank', { ...vars, name: ' 　' }],
    ['null', { ...vars, name: null }],
  ])('refuses a required variable %s, naming it', (_how, variables) => {
    expect(renderTemplate(reminder, variables, ['sms'])).toEqual({
      ok: false,
      code: 'missing_variable',
      variables: ['name'],
    });
  });

  it('names every missing variable, nested paths included', () => {
    const t = compile({ channels: { sms: { text: '{{ customer.name }} {{ a }} {{ b }}' } } });
    expect(renderTemplate(t, { customer: {}, a: 'x' })).toEqual({
      ok: false,
      code: 'missing_variable',
      variables: ['customer.name', 'b'],
    });
  });

  it('lets optional variables be left out: empty in output, false in conditions', () => {
    const t = compile({
      channels: { sms: { text: '{{ name }}様{% if coupon %} クーポン{{ coupon }}{% endif %}{{ note }}' } },
      optionalVariables: ['coupon', 'note'],
    });
    expect(renderTemplate(t, { name: '山田' })).toEqual({ ok: true, channels: { sms: { text: '山田様' } } });
    expect(renderTemplate(t, { name: '山田', coupon: 'A1', note: '!' })).toMatchObject({
      channels: { sms: { text: '山田様 クーポンA1!' } },
    });
  });

  it('reports a variable a filter cannot format, naming the field and filter', () => {
    expect(renderTemplate(reminder, { ...vars, amount: 'たくさん' }, ['sms'])).toEqual({
      ok: false,
      code: 'invalid_variable',
      field: 'sms.text',
      filter: 'yen',
      message: 'yen: "たくさん" is not an amount',
    });
  });

  it('reports a variable missing inside a loop, which only rendering finds', () => {
    const t = compile({ channels: { line_push: { text: '{% for i in items %}{{ i.name }}{% endfor %}' } } });
    expect(renderTemplate(t, { items: [{ price: 1 }] })).toEqual({
      ok: false,
      code: 'missing_variable',
      variables: ['i.name'],
    });
  });

  it('stops a template that would render forever', () => {
    const t = compile({
      channels: { line_push: { text: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' } },
    });
    expect(renderTemplate(t, {})).toMatchObject({
      ok: false,
      code: 'render_failed',
      field: 'line_push.text',
    });
  });

  it('escapes variables in e-mail HTML only', () => {
    const t = compile({
      channels: {
        email: { subject: '{{ name }}', text: '{{ name }}', html: '<b>{{ name }}</b>' },
        sms: { text: '{{ name }}' },
      },
    });
    const result = renderTemplate(t, { name: '<script>"&' });
    expect(result).toEqual({
      ok: true,
      channels: {
        email: { subject: '<script>"&', text: '<script>"&', html: '<b>&lt;script&gt;&#34;&amp;</b>' },
        sms: { text: '<script>"&' },
      },
    });
  });

  it('turns half-width katakana full-width in SMS only', () => {
    const t = compile({ channels: { sms: { text: '{{ shop }}' }, line_push: { text: '{{ shop }}' } } });
    expect(renderTemplate(t, { shop: 'ｶﾞｽﾄ' })).toEqual({
      ok: true,
      channels: { sms: { text: 'ガスト' }, line_push: { text: 'ｶﾞｽﾄ' } },
    });
  });
});

describe('compileTemplate', () => {
  it('reports each text that does not parse, an unknown filter included', () => {
    const result = compileTemplate({
      channels: { sms: { text: '{{ amount | dollars }}' }, line_push: { text: '{% if %}' } },
    });
    expect(result).toMatchObject({
      ok: false,
      problems: [
        { field: 'line_push.text', message: expect.any(String) },
        { field: 'sms.text', message: expect.stringContaining('undefined filter: dollars') },
      ],
    });
  });

  it('lists the variables each channel needs', () => {
    expect(reminder.required).toEqual({
      line_pnp: ['amount', 'due', 'invoice'],
      line_push: ['name', 'amount'],
      sms: ['name', 'amount', 'due'],
      email: ['due', 'name', 'amount'],
    });
  });
});
