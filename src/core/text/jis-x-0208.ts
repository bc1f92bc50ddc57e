/**
 * Which characters survive the Shift_JIS/JIS legs of Japanese SMS and mail paths, as bitsets over the BMP.
 *
 * The tables come from the WHATWG Encoding Standard's Shift_JIS index (the `shift_jis` decoder every
 * Node.js build with full ICU carries): rows 1–8 and 16–84 are JIS X 0208; row 13 (NEC special characters:
 * ①, Ⅰ, ㈱, ㍻, ㎝ …) and the IBM extensions (rows 89–92 and lead bytes FA–FC) are the vendor additions
 * known as 機種依存文字 — displayed by Windows, garbled by many phones and gateways.
 */

const BMP = 0x10000;

interface Tables {
  readonly jis0208: Uint8Array;
  readonly vendorExtensions: Uint8Array;
}

function set(bits: Uint8Array, code: number): void {
  bits[code >> 3]! |= 1 << (code & 7);
}

function has(bits: Uint8Array, code: number): boolean {
  return ((bits[code >> 3] ?? 0) & (1 << (code & 7))) !== 0;
}

const IBM_FIRST_POINTER = 10716; // Shift_JIS FA40
const IBM_LAST_POINTER = 11103; // Shift_JIS FC4B

function isJis0208Row(row: number): boolean {
  return (row >= 1 && row <= 8) || (row >= 16 && row <= 84);
}

function isVendorPointer(pointer: number, row: number): boolean {
  return (
    row === 13 || (row >= 89 && row <= 92) || (pointer >= IBM_FIRST_POINTER && pointer <= IBM_LAST_POINTER)
  );
}

function build(): Tables {
  const jis0208 = new Uint8Array(BMP / 8);
  const vendorExtensions = new Uint8Array(BMP / 8);
  // Every pointer of interest as its Shift_JIS pair followed by LF, decoded at once: an unassigned pair
  // (U+FFFD plus, for an ASCII trail byte, that byte) can then never shift the pairs after it.
  const pointers: number[] = [];
  const bytes: number[] = [];
  for (let p = 0; p <= IBM_LAST_POINTER; p++) {
    const row = Math.floor(p / 94) + 1;
    if (!isJis0208Row(row) && !isVendorPointer(p, row)) continue;
    const lead = Math.floor(p / 188);
    const trail = p % 188;
    pointers.push(p);
    bytes.push(lead + (lead < 0x1f ? 0x81 : 0xc1), trail + (trail < 0x3f ? 0x40 : 0x41), 0x0a);
  }
  const decoded = new TextDecoder('shift_jis').decode(Uint8Array.from(bytes)).split('\n');
  for (let i = 0; i < pointers.length; i++) {
    const char = decoded[i];
    if (char === undefined || char.length !== 1 || char === '\ufffd') continue;
    const row = Math.floor(pointers[i]! / 94) + 1;
    set(isJis0208Row(row) ? jis0208 : vendorExtensions, char.charCodeAt(0));
  }
  // The WHATWG index follows Windows (CP932) for seven JIS X 0208 characters; the JIS mapping of each
  // (〜 − ‖ — ¢ £ ¬) is what phones type, and is the same JIS character.
  for (const code of [0x301c, 0x2212, 0x2016, 0x2014, 0x00a2, 0x00a3, 0x00ac]) set(jis0208, code);
  // Row 13 and the IBM rows repeat some JIS X 0208 symbols (≒ ≡ ∫ ¬ …): those are not vendor characters.
  for (let i = 0; i < vendorExtensions.length; i++) vendorExtensions[i]! &= ~(jis0208[i] ?? 0);
  return { jis0208, vendorExtensions };
}

// Built on first use (a few milliseconds), so importing the text module costs nothing.
let tables: Tables | undefined;

/** True for a BMP code unit that JIS X 0208 (full-width kana, kanji levels 1–2, symbols, full-width ASCII) holds. */
export function isJisX0208(codeUnit: number): boolean {
  return has((tables ??= build()).jis0208, codeUnit);
}

/** True for NEC and IBM extension characters of Windows Shift_JIS that are not in JIS X 0208 (①, ㈱, 髙 …). */
export function isVendorExtension(codeUnit: number): boolean {
  return has((tables ??= build()).vendorExtensions, codeUnit);
}
