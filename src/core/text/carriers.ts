/**
 * Japanese mobile carriers as domestic SMS gateways report them (Karaden `carrier`:
 * docomo | softbank | au | rakuten, /work/shared/specs/karaden-2024-03-01.yaml).
 */
export const CARRIERS = ['docomo', 'au', 'softbank', 'rakuten'] as const;
export type Carrier = (typeof CARRIERS)[number];

/**
 * How one carrier bills a long SMS sent through a domestic gateway, and the longest body it accepts.
 * Lengths are in characters, full-width and half-width alike, as domestic gateways count them
 * (UTF-16 code units: an emoji outside the BMP counts two).
 */
export interface CarrierRule {
  /** Characters billed as one unit. */
  readonly firstUnit: number;
  /** Characters per further unit; how they are counted depends on `counting`. */
  readonly perUnit: number;
  /**
   * `whole`: the whole text is cut into `perUnit` blocks once it passes `firstUnit` (ceil(n / perUnit)).
   * `beyondFirst`: the first unit covers `firstUnit`; only the rest is cut (1 + ceil((n - firstUnit) / perUnit)).
   */
  readonly counting: 'whole' | 'beyondFirst';
  /** Longest body the carrier accepts; longer is rejected, never split. */
  readonly maxCharacters: number;
}

/**
 * Sources:
 * - DESIGN §1 "Domestic gateways bill per carrier unit (e.g. docomo per 66 chars beyond 70, au/Rakuten per 67,
 *   SoftBank up to 670 as one)" and "all four carriers accept long SMS up to 660–670 chars".
 * - Karaden API (`body` ≤ 660, DESIGN §1; the OpenAPI file itself states no maxLength) — 660 is the limit
 *   a domestic gateway enforces for docomo, au and Rakuten; SoftBank accepts 670.
 * - The carriers' own consumer tariffs (2019-09-10, identical for docomo/au/SoftBank) bill 1–70 chars as one
 *   and every further 67 (71–134 two, 135–201 three … 604–670 ten): that is the au/Rakuten rule here.
 *   The docomo per-66 rule is the gateway rule DESIGN §1 states; check it against the gateway contract.
 */
export const CARRIER_RULES: Readonly<Record<Carrier, CarrierRule>> = {
  docomo: { firstUnit: 70, perUnit: 66, counting: 'beyondFirst', maxCharacters: 660 },
  au: { firstUnit: 70, perUnit: 67, counting: 'whole', maxCharacters: 660 },
  rakuten: { firstUnit: 70, perUnit: 67, counting: 'whole', maxCharacters: 660 },
  softbank: { firstUnit: 670, perUnit: 670, counting: 'whole', maxCharacters: 670 },
};

/** The strictest carrier limit: a body this long reaches every carrier (the recipient's carrier is unknown). */
export const DOMESTIC_SMS_MAX_CHARACTERS = Math.min(...CARRIERS.map((c) => CARRIER_RULES[c].maxCharacters));

/** Billing units for `characters` under one carrier's rule; 0 for an empty text (nothing is sent). */
export function carrierUnits(characters: number, rule: CarrierRule): number {
  if (characters <= 0) return 0;
  if (characters <= rule.firstUnit) return 1;
  if (rule.counting === 'whole') return Math.ceil(characters / rule.perUnit);
  return 1 + Math.ceil((characters - rule.firstUnit) / rule.perUnit);
}

export type CarrierUnits = Readonly<Record<Carrier, number>>;
export type CarrierFlags = Readonly<Record<Carrier, boolean>>;

export function unitsByCarrier(characters: number): CarrierUnits {
  return {
    docomo: carrierUnits(characters, CARRIER_RULES.docomo),
    au: carrierUnits(characters, CARRIER_RULES.au),
    softbank: carrierUnits(characters, CARRIER_RULES.softbank),
    rakuten: carrierUnits(characters, CARRIER_RULES.rakuten),
  };
}

export function overLimitByCarrier(characters: number): CarrierFlags {
  return {
    docomo: characters > CARRIER_RULES.docomo.maxCharacters,
    au: characters > CARRIER_RULES.au.maxCharacters,
    softbank: characters > CARRIER_RULES.softbank.maxCharacters,
    rakuten: characters > CARRIER_RULES.rakuten.maxCharacters,
  };
}
