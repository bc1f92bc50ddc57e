export type CsvDelimiter = ',' | '\t';

/**
 * Comma or tab, from the header line: whichever appears more often outside quotes. Excel's "Unicode text"
 * export is tab-separated; everything else operators send is comma-separated. A header with neither (one
 * column) is read as comma-separated.
 */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  let commas = 0;
  let tabs = 0;
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === '\t') tabs++;
  }
  return tabs > commas ? '\t' : ',';
}

/**
 * The first line of a text that is not blank: up to the next CR or LF outside quotes, or null when it has not
 * ended yet.
 */
export function firstLine(text: string): string | null {
  const start = /[^\r\n]/.exec(text)?.index;
  if (start === undefined) return null;
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) return text.slice(start, i);
  }
  return null;
}
