/**
 * How a CSV file's bytes are read. Operators export from Excel or their core system: UTF-8 (with or without a
 * BOM), Shift_JIS as Windows writes it (CP932, with NEC and IBM extensions such as ① and 髙), or Excel's
 * "Unicode text" (UTF-16 LE with a BOM, tab-separated).
 */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'cp932';

export const CSV_ENCODINGS: readonly CsvEncoding[] = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'cp932'];

/** What the first bytes say: an encoding by its BOM, a file that is not text, or nothing yet. */
export type HeadVerdict =
  | { kind: 'bom'; encoding: CsvEncoding; bomLength: number }
  | { kind: 'not_text'; what: 'xlsx' | 'xls' | 'utf-32' | 'utf-16-no-bom' | 'binary' }
  | { kind: 'no_bom' };

/** Enough bytes to tell every case below apart. */
export const HEAD_BYTES = 512;

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/** Looks at the first bytes of a file (up to HEAD_BYTES, fewer only when the file is shorter). */
export function inspectHead(head: Uint8Array): HeadVerdict {
  // UTF-32 LE shares its first two bytes with UTF-16 LE: test it first.
  if (startsWith(head, [0xff, 0xfe, 0, 0]) || startsWith(head, [0, 0, 0xfe, 0xff])) {
    return { kind: 'not_text', what: 'utf-32' };
  }
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { kind: 'bom', encoding: 'utf-8-bom', bomLength: 3 };
  if (startsWith(head, [0xff, 0xfe])) return { kind: 'bom', encoding: 'utf-16le', bomLength: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { kind: 'bom', encoding: 'utf-16be', bomLength: 2 };
  // .xlsx is a ZIP archive; .xls an OLE compound file.
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'not_text', what: 'xlsx' };
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) return { kind: 'not_text', what: 'xls' };
  // Neither UTF-8 nor Shift_JIS text contains NUL bytes; UTF-16 text without a BOM is full of them.
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < head.length; i++) {
    if (head[i] === 0) {
      if (i % 2 === 0) evenNuls++;
      else oddNuls++;
    }
  }
  if (evenNuls + oddNuls === 0) return { kind: 'no_bom' };
  const pairs = head.length / 2;
  const utf16 = evenNuls > pairs * 0.3 !== oddNuls > pairs * 0.3;
  return { kind: 'not_text', what: utf16 ? 'utf-16-no-bom' : 'binary' };
}

/** Index of the first byte outside ASCII, or -1. */
export function firstNonAscii(bytes: Uint8Array, from = 0): number {
  for (let i = from; i < bytes.length; i++) if (bytes[i]! >= 0x80) return i;
  return -1;
}

/**
 * Whether bytes read as UTF-8 without a single invalid sequence. When the file goes on after them (`final`
 * false), a sequence cut off at the end is not held against them.
 */
export function isUtf8(bytes: Uint8Array, final: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !final });
    return true;
  } catch {
    return false;
  }
}

/** Bytes looked at after the first non-ASCII byte before UTF-8 or CP932 is chosen. */
export const SNIFF_BYTES = 16 * 1024;
