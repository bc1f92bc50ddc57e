/** GSM 03.38 default alphabet: one septet each. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** GSM 03.38 extension table: an escape plus the character, two septets that must stay in one segment. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const septets = new Map<string, number>();
for (const c of GSM_BASIC) septets.set(c, 1);
for (const c of GSM_EXTENSION) septets.set(c, 2);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
}

/**
 * How many SMS parts a body takes, as Twilio counts them: GSM-7 when every character is in the GSM alphabet
 * (160 septets in one part, 153 per part when split), otherwise UCS-2 (70 UTF-16 units in one part, 67 per part).
 * A part never ends in the middle of a GSM escape pair or a UTF-16 surrogate pair.
 */
export function countSegments(body: string): SegmentCount {
  const costs: number[] = [];
  let gsm = true;
  let total = 0;
  for (const c of body) {
    const cost = septets.get(c);
    if (cost === undefined) {
      gsm = false;
      break;
    }
    costs.push(cost);
    total += cost;
  }
  if (gsm) return { encoding: 'GSM-7', segments: split(costs, total, 160, 153) };
  const units: number[] = [];
  for (const c of body) units.push(c.length);
  return { encoding: 'UCS-2', segments: split(units, body.length, 70, 67) };
}

/** Parts needed for characters of the given sizes: one part up to `single`, else parts of up to `multi`. */
function split(sizes: number[], total: number, single: number, multi: number): number {
  if (total === 0) return 1;
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      parts++;
      used = 0;
    }
    used += size;
  }
  return parts;
}
