import { compileTemplate, formatDateJa, formatYen, renderTemplate } from '../src/core/templates/index.js';
import { measureText } from '../src/core/text/measure-text.js';
import { checkContent } from '../src/core/text/rules/check-content.js';
import { row, type BenchmarkOutcome } from './support/results.js';

/** A typical payment reminder: LINE notification message first, SMS as the fallback. */
const REMINDER = {
  channels: {
    line_pnp: {
      text: '【ABCカード】{{ name }}様 {{ month }}月分のご請求額{{ amount | yen }}のお支払いが確認できておりません。{{ due | date_ja }}までにお支払いください。',
    },
    sms: {
      text: '【ABCカード】{{ name }}様 {{ month }}月分のご請求額{{ amount | yen }}のお支払いが確認できておりません。{{ due | date_ja }}までにお支払いください。お問合せ{{ phone }}',
    },
  },
};
const NAMES = ['山田太郎', '佐藤花子', '鈴木一郎', '高橋美咲', '田中健', '伊藤さくら', '渡辺翔', '中村陽子'];
const DAYS = ['2026-11-30', '2026-12-01', '2026-12-15', '2027-01-05'];

const variablesOf = (i: number) => ({
  name: NAMES[i % NAMES.length]!,
  month: (i % 12) + 1,
  amount: 1000 + ((i * 7919) % 500_000),
  due: DAYS[i % DAYS.length]!,
  phone: '0120-000-000',
});

const TARGET = 100_000;
const DURATION_MS = 2_000;

/** Runs `work(i)` for `ms` after a warm-up, on this thread; returns operations per second. */
function opsPerSecond(work: (i: number) => number, ms: number): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += work(i);
  let done = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 1_000; k++, done++) sink += work(done);
    elapsed = performance.now() - started;
  }
  if (sink === -1) console.log(sink);
  return (done / elapsed) * 1000;
}

/**
 * Render + measure of a typical reminder template (both channels of a LINE-then-SMS route), messages per second on
 * one core. The ceiling puts the same text together by plain string concatenation, with the same yen and date
 * formatting (the least any renderer could do), and measures it the same way: the ratio is what the template
 * machinery costs.
 */
export async function renderMeasureBenchmark(): Promise<BenchmarkOutcome> {
  const compiled = compileTemplate(REMINDER);
  if (!compiled.ok)
    throw new Error(`reminder template does not compile: ${JSON.stringify(compiled.problems)}`);
  const template = compiled.template;
  const channels = ['line_pnp', 'sms'] as const;

  const rendered = (i: number) => {
    const result = renderTemplate(template, variablesOf(i), channels);
    if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result)}`);
    return result.channels;
  };
  const concatenated = (i: number) => {
    const v = variablesOf(i);
    const body = `【ABCカード】${v.name}様 ${v.month}月分のご請求額${formatYen(v.amount, undefined, 'plain')}のお支払いが確認できておりません。${formatDateJa(v.due, undefined)}までにお支払いください。`;
    return { line_pnp: { text: body }, sms: { text: `${body}お問合せ${v.phone}` } };
  };
  // The two must produce the same text, or the ratio would compare different work.
  for (let i = 0; i < 100; i++) {
    if (JSON.stringify(rendered(i)) !== JSON.stringify(concatenated(i))) {
      throw new Error(
        `renderings differ: ${JSON.stringify(rendered(i))} vs ${JSON.stringify(concatenated(i))}`,
      );
    }
  }

  const measure = (c: ReturnType<typeof concatenated>) =>
    measureText('line_pnp', c.line_pnp.text).characters + measureText('sms', c.sms.text).parts;
  const check = (c: ReturnType<typeof concatenated>) =>
    checkContent({ channel: 'line_pnp', text: c.line_pnp.text, promotional: false }).findings.length +
    checkContent({ channel: 'sms', text: c.sms.text, promotional: false }).findings.length;

  const renderMeasure = opsPerSecond(
    (i) => measure(rendered(i) as ReturnType<typeof concatenated>),
    DURATION_MS,
  );
  const concatMeasure = opsPerSecond((i) => measure(concatenated(i)), DURATION_MS);
  const withRules = opsPerSecond((i) => {
    const c = rendered(i) as ReturnType<typeof concatenated>;
    return measure(c) + check(c);
  }, DURATION_MS);
  const concatWithRules = opsPerSecond((i) => {
    const c = concatenated(i);
    return measure(c) + check(c);
  }, DURATION_MS);

  return {
    rows: [
      row({
        name: 'render + measure: reminder template, 2 channels, 1 core',
        unit: 'msg/s',
        measured: renderMeasure,
        ceiling: concatMeasure,
        ceilingIs: 'string concatenation + measure',
        target: `>= ${TARGET.toLocaleString('en-US')} msg/s`,
        pass: renderMeasure >= TARGET,
      }),
      row({
        name: 'render + measure + content rules (as at acceptance)',
        unit: 'msg/s',
        measured: withRules,
        ceiling: concatWithRules,
        ceilingIs: 'string concatenation + measure + rules',
        target: 'report',
        pass: true,
      }),
    ],
    notes: [
      `template fields on the fast path: ${
        Object.values(template.fields)
          .flat()
          .filter((f) => f?.fast).length
      }/${Object.values(template.fields).flat().length}`,
    ],
    details: { renderMeasure, concatMeasure, withRules, concatWithRules, durationMs: DURATION_MS },
  };
}
