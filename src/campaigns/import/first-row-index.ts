/**
 * Which row first had a 64-bit key: an open-addressing hash table in one typed array (key halves and row side
 * by side, 12 bytes a slot, so a lookup touches one cache line), at most half full. A million keys take 24 MB
 * and no garbage collector work, where a Map of strings takes about 60 MB. Keys are given as two unsigned
 * 32-bit halves; row numbers must be positive (0 marks an empty slot).
 */
export class FirstRowIndex {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.slots = new Uint32Array(capacity * 3);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The row recorded for the key, or 0. */
  get(hi: number, lo: number): number {
    const at = this.find(hi >>> 0, lo >>> 0);
    return this.slots[at + 2]!;
  }

  /** The row that had the key first; or, when none had it, records `row` for it and answers 0. */
  firstOrAdd(hi: number, lo: number, row: number): number {
    if (row <= 0) throw new RangeError('row numbers start at 1');
    const at = this.find(hi >>> 0, lo >>> 0);
    const existing = this.slots[at + 2]!;
    if (existing !== 0) return existing;
    this.slots[at] = hi;
    this.slots[at + 1] = lo;
    this.slots[at + 2] = row;
    this.count++;
    if (this.count * 2 > this.mask + 1) this.grow();
    return 0;
  }

  /** Where the key is, or the empty slot where it would go. */
  private find(hi: number, lo: number): number {
    const { slots, mask } = this;
    let slot = slotOf(hi, lo) & mask;
    for (;;) {
      const at = slot * 3;
      if (slots[at + 2] === 0 || (slots[at] === hi && slots[at + 1] === lo)) return at;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = new Uint32Array(capacity * 3);
    this.mask = capacity - 1;
    for (let at = 0; at < old.length; at += 3) {
      if (old[at + 2] === 0) continue;
      const to = this.find(old[at]!, old[at + 1]!);
      this.slots[to] = old[at]!;
      this.slots[to + 1] = old[at + 1]!;
      this.slots[to + 2] = old[at + 2]!;
    }
  }
}

/** Mixes both halves so that keys differing only in high bits (phone numbers) spread over the table. */
function slotOf(hi: number, lo: number): number {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 64-bit key as two unsigned 32-bit halves, [hi, lo]; reused between calls to spare the collector. */
export type Key64 = Uint32Array;

/**
 * A 64-bit hash of a text (two multiplicative lanes, then a final avalanche), written into `out`. For a
 * well-mixed 64-bit hash, the chance that two of a million distinct texts share one is about 3 in 100
 * million; such a pair would be reported as a duplicate of each other.
 */
export function hashText(text: string, out: Key64): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h1;
  out[1] = h2;
}

/** An E.164 number as its exact 64-bit key, written into `out`: 15 digits fit in a double without loss. */
export function phoneKey(e164: string, out: Key64): void {
  // Digit by digit: parsing a slice costs more than the table lookup that follows.
  let n = 0;
  for (let i = 1; i < e164.length; i++) n = n * 10 + (e164.charCodeAt(i) - 48);
  out[0] = Math.floor(n / 0x1_0000_0000);
  out[1] = n % 0x1_0000_0000;
}
