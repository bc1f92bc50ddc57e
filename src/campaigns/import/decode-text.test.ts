import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsvText, type DecodeReport, type EncodingChoice } from './decode-text.js';
import { FileProblemError } from './file-problem.js';

const SAMPLE = '電話番号,氏名,金額\r\n090-1234-5678,山田 髙橋 ① ～,"12,000"\r\n';

/** Yields the bytes in pieces of `size`, as a socket or file stream might cut them. */
async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decode(
  bytes: Uint8Array,
  size = 64 * 1024,
  choice: EncodingChoice = 'auto',
): Promise<{ text: string; report: DecodeReport }> {
  const report: DecodeReport = { encoding: null, bytes: 0 };
  let text = '';
  for await (const chunk of decodeCsvText(pieces(bytes, size), choice, report)) text += chunk;
  return { text, report };
}

describe('decodeCsvText', () => {
  it.each([1, 2, 3, 7, 64 * 1024])('reads UTF-8 without a BOM, cut every %i bytes', async (size) => {
    const { text, report } = await decode(Buffer.from(SAMPLE), size);
    expect(text).toBe(SAMPLE);
    expect(report).toEqual({ encoding: 'utf-8', bytes: Buffer.byteLength(SAMPLE) });
  });

  it.each([1, 5, 64 * 1024])(
    'reads Shift_JIS (CP932) from its first bytes, cut every %i bytes',
    async (size) => {
      const { text, report } = await decode(iconv.encode(SAMPLE, 'cp932'), size);
      expect(text).toBe(SAMPLE);
      expect(report.encoding).toBe('cp932');
    },
  );

  it('finds Shift_JIS that starts only after a long ASCII header and ASCII rows', async () => {
    const ascii = `phone,name\r\n${'09012345678,Taro\r\n'.repeat(20_000)}`;
    const { text, report } = await decode(iconv.encode(`${ascii}09012345678,山田\r\n`, 'cp932'), 4096);
    expect(report.encoding).toBe('cp932');
    expect(text.endsWith('09012345678,山田\r\n')).toBe(true);
    expect(text.length).toBe(ascii.length + '09012345678,山田\r\n'.length);
  });

  it('reads an ASCII-only file as UTF-8', async () => {
    expect(await decode(Buffer.from('phone\r\n09012345678\r\n'), 3)).toEqual({
      text: 'phone\r\n09012345678\r\n',
      report: { encoding: 'utf-8', bytes: 20 },
    });
  });

  it('drops the UTF-8 BOM', async () => {
    const { text, report } = await decode(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]),
      2,
    );
    expect(text).toBe(SAMPLE);
    expect(report.encoding).toBe('utf-8-bom');
  });

  it('reads UTF-16 LE and BE with their BOM (Excel "Unicode text")', async () => {
    const tsv = SAMPLE.replace(/,/g, '\t');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(tsv, 'utf16le').swap16()]);
    expect(await decode(le, 3)).toMatchObject({ text: tsv, report: { encoding: 'utf-16le' } });
    expect(await decode(be, 3)).toMatchObject({ text: tsv, report: { encoding: 'utf-16be' } });
  });

  it('decides on the first 16 KB after the first non-ASCII byte: a Shift_JIS row in it means CP932', async () => {
    const early = Buffer.concat([Buffer.from('氏名\r\n山田\r\n'), iconv.encode('佐藤\r\n', 'cp932')]);
    expect((await decode(early)).report.encoding).toBe('cp932');
  });

  it('turns bytes that do not decode into U+FFFD instead of failing', async () => {
    const utf8 = `氏名\r\n${'山田\r\n'.repeat(3000)}`;
    const mixed = Buffer.concat([Buffer.from(utf8), iconv.encode('佐藤\r\n', 'cp932')]);
    const { text, report } = await decode(mixed, 1000);
    expect(report.encoding).toBe('utf-8');
    expect(text.startsWith(utf8)).toBe(true);
    expect(text.slice(utf8.length)).toMatch(/^\uFFFD+\r\n$/);

    const badSjis = Buffer.concat([iconv.encode('氏名\r\n', 'cp932'), Buffer.from([0xff, 0xa0, 0x0d, 0x0a])]);
    const sjis = await decode(badSjis);
    expect(sjis.report.encoding).toBe('cp932');
    expect(sjis.text).toBe('氏名\r\n\uFFFD\uFFFD\r\n');
  });

  it('reads a file without a BOM in the encoding chosen, but trusts a BOM over the choice', async () => {
    const sjis = iconv.encode(SAMPLE, 'cp932');
    expect((await decode(sjis, 100, 'cp932')).text).toBe(SAMPLE);
    expect((await decode(Buffer.from(SAMPLE), 100, 'cp932')).text).not.toBe(SAMPLE);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]);
    expect(await decode(bom, 100, 'cp932')).toMatchObject({
      text: SAMPLE,
      report: { encoding: 'utf-8-bom' },
    });
  });

  it('yields nothing for an empty file', async () => {
    expect(await decode(Buffer.alloc(0))).toEqual({ text: '', report: { encoding: null, bytes: 0 } });
  });

  it.each([
    ['an .xlsx workbook', Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), 'not_csv'],
    ['UTF-16 without a BOM', Buffer.from('phone,name\r\n', 'utf16le'), 'unsupported_encoding'],
    ['UTF-32', Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), 'unsupported_encoding'],
  ])('refuses %s with a file problem', async (_name, bytes, code) => {
    const error = await decode(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileProblemError);
    expect((error as FileProblemError).problem).toMatchObject({ code, rowNumber: null });
    expect((error as FileProblemError).problem.messageJa).not.toBe('');
  });

  it('closes the input when its reader stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield Buffer.from('phone\r\n09012345678\r\n'.repeat(1000));
      } finally {
        closed = true;
      }
    }
    const report: DecodeReport = { encoding: null, bytes: 0 };
    for await (const chunk of decodeCsvText(source(), 'auto', report)) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    expect(closed).toBe(true);
  });

  it('refuses decoded text as input: it must be bytes', async () => {
    async function* text(): AsyncGenerator<string> {
      yield 'phone\r\n';
    }
    const report: DecodeReport = { encoding: null, bytes: 0 };
    await expect(async () => {
      for await (const _ of decodeCsvText(text(), 'auto', report));
    }).rejects.toThrow(TypeError);
  });
});
