import { carrierUnits, CARRIER_RULES, type Carrier } from '../core/text/carriers.js';
import { linePhoneHash } from './signatures.js';

/** Roughly the carriers' shares of Japanese mobile lines, in percent of the numbers. */
const SHARES: readonly [Carrier, number][] = [
  ['docomo', 36],
  ['au', 30],
  ['softbank', 30],
  ['rakuten', 4],
];

/** Mobile network codes (MCC 440) the gateways report for each carrier. */
export const NETWORK_CODES: Readonly<Record<Carrier, string>> = {
  docomo: '44010',
  au: '44050',
  softbank: '44020',
  rakuten: '44011',
};

/**
 * The carrier a number belongs to in the sandbox: drawn from its hash (digits the population draw does not use),
 * so a number keeps its carrier across requests, gateways and restarts.
 */
export function sandboxCarrier(e164: string): Carrier {
  const percent = parseInt(linePhoneHash(e164).slice(48, 56), 16) % 100;
  let cumulative = 0;
  for (const [carrier, share] of SHARES) {
    cumulative += share;
    if (percent < cumulative) return carrier;
  }
  return 'docomo';
}

/** Units a domestic gateway bills for this text on this carrier (characters as UTF-16 code units). */
export function sandboxCarrierUnits(carrier: Carrier, text: string): number {
  return carrierUnits(text.length, CARRIER_RULES[carrier]);
}
