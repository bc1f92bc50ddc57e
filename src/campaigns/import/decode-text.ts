import iconv from 'iconv-lite';
import {
  firstNonAscii,
  HEAD_BYTES,
  inspectHead,
  isUtf8,
  SNIFF_BYTES,
  type CsvEncoding,
  type HeadVerdict,
} from './detect-encoding.js';
import { fileProblem } from './file-problem.js';

/** What the decoder found out while reading: filled in as it goes. */
export interface DecodeReport {
  /** Known once the first non-ASCII byte (or the end of an ASCII-only file) has been read. */
  encoding: CsvEncoding | null;
  /** Bytes read from the input so far. */
  bytes: number;
}

/** The encoding to read a file without a BOM in; a BOM always wins, being unambiguous. */
export type EncodingChoice = 'auto' | 'utf-8' | 'cp932' | 'utf-16le' | 'utf-16be';

interface StreamDecoder {
  write(bytes: Buffer): string;
  end(): string;
}

/** Invalid bytes become U+FFFD in every decoder, which the row validation reports as `encoding_error`. */
function decoderFor(encoding: CsvEncoding): StreamDecoder {
  if (encoding === 'cp932') {
    const decoder = iconv.getDecoder('cp932');
    return { write: (b) => decoder.write(b), end: () => decoder.end() ?? '' };
  }
  const label = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  // The BOM is cut off before decoding; a second one would be text.
  const decoder = new TextDecoder(label, { ignoreBOM: true });
  return { write: (b) => decoder.decode(b, { stream: true }), end: () => decoder.decode() };
}

function refuse(verdict: Extract<HeadVerdict, { kind: 'not_text' }>): never {
  switch (verdict.what) {
    case 'xlsx':
    case 'xls':
      throw fileProblem(
        'not_csv',
        null,
        'Excelのブック形式（.xlsx/.xls）です。Excelで「CSV（コンマ区切り）」または「CSV UTF-8」形式で保存し直してください。',
        'This is an Excel workbook (.xlsx/.xls). Save it from Excel as "CSV (Comma delimited)" or "CSV UTF-8".',
      );
    case 'utf-32':
      throw fileProblem(
        'unsupported_encoding',
        null,
        'UTF-32のファイルは読み込めません。UTF-8またはShift_JISで保存してください。',
        'UTF-32 files are not supported. Save the file as UTF-8 or Shift_JIS.',
      );
    case 'utf-16-no-bom':
      throw fileProblem(
        'unsupported_encoding',
        null,
        'BOMのないUTF-16のファイルです。UTF-8またはShift_JISで保存してください。',
        'The file is UTF-16 without a byte order mark. Save it as UTF-8 or Shift_JIS.',
      );
    case 'binary':
      throw fileProblem(
        'not_csv',
        null,
        'テキストのCSVファイルではありません（制御文字NULが含まれています）。',
        'This is not a CSV text file (it contains NUL bytes).',
      );
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('the CSV input must yield bytes (Buffer or Uint8Array), not decoded text');
}

/**
 * Decodes a CSV file's bytes to text, choosing the encoding from the file itself. With a BOM: UTF-8 or
 * UTF-16. Without: ASCII is the same in UTF-8 and CP932, so it is passed on as it comes; at the first byte
 * outside ASCII, the next SNIFF_BYTES decide — valid UTF-8 means UTF-8, anything else CP932 (Shift_JIS as
 * Windows writes it). Bytes that do not decode become U+FFFD in the text, never an exception.
 */
export async function* decodeCsvText(
  input: AsyncIterable<unknown>,
  choice: EncodingChoice,
  report: DecodeReport,
): AsyncGenerator<string> {
  const source = input[Symbol.asyncIterator]();
  let ended = false;
  const read = async (): Promise<Buffer | null> => {
    if (ended) return null;
    const next = await source.next();
    if (next.done) {
      ended = true;
      return null;
    }
    const bytes = toBuffer(next.value);
    report.bytes += bytes.length;
    return bytes;
  };
  const readAtLeast = async (pending: Buffer, size: number): Promise<Buffer> => {
    const parts = [pending];
    let length = pending.length;
    while (length < size) {
      const more = await read();
      if (more === null) break;
      parts.push(more);
      length += more.length;
    }
    return parts.length === 1 ? pending : Buffer.concat(parts, length);
  };

  try {
    let pending = await readAtLeast(Buffer.alloc(0), HEAD_BYTES);
    if (pending.length === 0) return;
    const verdict = inspectHead(pending.subarray(0, HEAD_BYTES));
    if (verdict.kind === 'not_text') refuse(verdict);

    let encoding: CsvEncoding | null = null;
    if (verdict.kind === 'bom') {
      encoding = verdict.encoding;
      pending = pending.subarray(verdict.bomLength);
    } else if (choice !== 'auto') {
      encoding = choice;
    } else {
      for (;;) {
        const at = firstNonAscii(pending);
        if (at === -1) {
          if (pending.length > 0) yield pending.toString('latin1');
          const more = await read();
          if (more === null) {
            report.encoding = 'utf-8';
            return;
          }
          pending = more;
          continue;
        }
        if (at > 0) yield pending.toString('latin1', 0, at);
        pending = await readAtLeast(pending.subarray(at), SNIFF_BYTES);
        encoding = isUtf8(pending.subarray(0, SNIFF_BYTES), ended && pending.length <= SNIFF_BYTES)
          ? 'utf-8'
          : 'cp932';
        break;
      }
    }

    report.encoding = encoding;
    const decoder = decoderFor(encoding);
    let bytes: Buffer | null = pending;
    while (bytes !== null) {
      const text = decoder.write(bytes);
      if (text.length > 0) yield text;
      bytes = await read();
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  } finally {
    if (!ended) await source.return?.();
  }
}
