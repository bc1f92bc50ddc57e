import { targetKey, type ColumnMapping, type MappedColumn } from './column-target.js';
import { knownHeader } from './header-dictionary.js';

const isAsciiWords = (text: string) => /^[A-Za-z0-9 _\-.]+$/.test(text) && /[A-Za-z0-9]/.test(text);

/**
 * The variable name a column without a known meaning gets. An ASCII header becomes camelCase (`Plan Name` →
 * planName, `PLAN_NAME` → planName) so templates read like code. Other headers keep their own words, without
 * spaces and punctuation (`契約プラン` → 契約プラン, `備考（社内）` → 備考社内): there is no faithful ASCII
 * spelling of Japanese, and Liquid reads `{{ 契約プラン }}` as well as any name, which the operator recognises.
 * A header with nothing usable left becomes `column3` (its position, from 1).
 */
export function variableNameFor(header: string, index: number): string {
  const text = header
    .normalize('NFKC')
    .replace(/\uFEFF/g, '')
    .trim();
  let name: string;
  if (isAsciiWords(text)) {
    const words = text.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
    name = words
      .map((word, i) => {
        const w = word === word.toUpperCase() ? word.toLowerCase() : word;
        return i === 0 ? w[0]!.toLowerCase() + w.slice(1) : w[0]!.toUpperCase() + w.slice(1);
      })
      .join('');
  } else {
    name = text.replace(/[^\p{L}\p{N}_]/gu, '');
  }
  if (name.length === 0) return `column${index + 1}`;
  return /^\p{N}/u.test(name) ? `_${name}` : name;
}

/**
 * A first mapping for a file's headers, for the operator to check: known Japanese and English headers get
 * their field or variable (header-dictionary.ts); when several columns match one target, the best-ranked
 * (then the leftmost) gets it. Every other column with a header becomes a variable under its own name
 * (variableNameFor), so nothing in the file is out of reach of the template; columns without a header are
 * ignored. No two columns get the same target, so the suggestion passes resolveMapping whenever the file has
 * an address column.
 */
export function suggestMapping(headers: readonly string[]): ColumnMapping {
  const known = headers.map((h) => knownHeader(h));
  const winner = new Map<string, number>();
  known.forEach((k, index) => {
    if (!k) return;
    const key = targetKey(k.target);
    const current = winner.get(key);
    if (current === undefined || k.rank < known[current]!.rank) winner.set(key, index);
  });

  const taken = new Set(winner.keys());
  return headers.map((header, index): MappedColumn => {
    const k = known[index];
    if (k && winner.get(targetKey(k.target)) === index) return { index, header, target: k.target };
    if (header.replace(/\uFEFF/g, '').trim().length === 0) return { index, header, target: 'ignore' };
    const base = variableNameFor(header, index);
    let variable = base;
    for (let n = 2; taken.has(`variable:${variable}`); n++) variable = `${base}_${n}`;
    taken.add(`variable:${variable}`);
    return { index, header, target: { variable } };
  });
}
