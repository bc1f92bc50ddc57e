import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { firstNonAscii, inspectHead, isUtf8 } from './detect-encoding.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('inspectHead', () => {
  it.each([
    ['UTF-8', [0xef, 0xbb, 0xbf, 0x61], 'utf-8-bom', 3],
    ['UTF-16 LE', [0xff, 0xfe, 0x61, 0x00], 'utf-16le', 2],
    ['UTF-16 BE', [0xfe, 0xff, 0x00, 0x61], 'utf-16be', 2],
  ])('reads the %s byte order mark', (_name, head, encoding, bomLength) => {
    expect(inspectHead(bytes(...head))).toEqual({ kind: 'bom', encoding, bomLength });
  });

  it('refuses UTF-32 in either byte order, though its LE mark starts like UTF-16', () => {
    expect(inspectHead(bytes(0xff, 0xfe, 0, 0, 0x61, 0, 0, 0))).toEqual({ kind: 'not_text', what: 'utf-32' });
    expect(inspectHead(bytes(0, 0, 0xfe, 0xff))).toEqual({ kind: 'not_text', what: 'utf-32' });
  });

  it('recognises Excel workbooks sent instead of CSV', () => {
    expect(inspectHead(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0))).toEqual({ kind: 'not_text', what: 'xlsx' });
    expect(inspectHead(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1))).toEqual({ kind: 'not_text', what: 'xls' });
  });

  it('tells UTF-16 without a BOM from other binary data by where the NUL bytes are', () => {
    expect(inspectHead(Buffer.from('phone,name\r\n090', 'utf16le'))).toEqual({
      kind: 'not_text',
      what: 'utf-16-no-bom',
    });
    expect(inspectHead(bytes(1, 0, 0, 0, 7, 0, 0, 9))).toEqual({ kind: 'not_text', what: 'binary' });
  });

  it('has nothing to say about text without a BOM, UTF-8 or Shift_JIS alike', () => {
    expect(inspectHead(Buffer.from('電話番号,氏名\r\n'))).toEqual({ kind: 'no_bom' });
    expect(inspectHead(iconv.encode('電話番号,氏名\r\n', 'cp932'))).toEqual({ kind: 'no_bom' });
    expect(inspectHead(bytes())).toEqual({ kind: 'no_bom' });
  });
});

describe('isUtf8', () => {
  const text = Buffer.from('氏名');

  it('accepts UTF-8 and refuses Shift_JIS', () => {
    expect(isUtf8(text, true)).toBe(true);
    expect(isUtf8(iconv.encode('氏名', 'cp932'), true)).toBe(false);
    expect(isUtf8(iconv.encode('ｱｲｳ', 'cp932'), true)).toBe(false);
  });

  it('does not hold a character cut off at the end against bytes that go on', () => {
    const cut = text.subarray(0, 4);
    expect(isUtf8(cut, false)).toBe(true);
    expect(isUtf8(cut, true)).toBe(false);
  });
});

describe('firstNonAscii', () => {
  it('finds the first byte of 0x80 and above', () => {
    expect(firstNonAscii(Buffer.from('abc,氏'))).toBe(4);
    expect(firstNonAscii(Buffer.from('abc'))).toBe(-1);
    expect(firstNonAscii(Buffer.from('氏abc'), 3)).toBe(-1);
  });
});
