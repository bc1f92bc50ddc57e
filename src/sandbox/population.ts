import { z } from 'zod';
import {
  LINE_BEHAVIOURS,
  MAX_DELAY_MS,
  withDefaults,
  type LineBehaviour,
  type NumberSettings,
  type SmsBehaviour,
} from './number-settings.js';

/** What becomes of an SMS to a mobile number; landlines are a share of their own. */
export const SMS_OUTCOMES = ['delivered', 'undelivered', 'failed'] as const;
export type SmsOutcome = (typeof SMS_OUTCOMES)[number];

/**
 * The behaviour of numbers nobody configured, as shares of people: LINE users who receive, block, have not consented
 * yet or are not found; SMS delivered, undelivered or failed; and a share of landlines, which refuse SMS (21614).
 */
export interface Population {
  line: Record<LineBehaviour, number>;
  sms: Record<SmsOutcome, number>;
  landline: number;
  lineDelayMs?: number;
  smsDelayMs?: number;
}

/** Everyone a LINE user who receives, on a mobile phone that receives SMS: the sandbox without a population. */
export const DEFAULT_POPULATION: Population = {
  line: { delivered: 1, not_found: 0, blocked: 0, consent_pending: 0 },
  sms: { delivered: 1, undelivered: 0, failed: 0 },
  landline: 0,
};

/** Shares are decimals someone typed: they must add up to 1 give or take rounding. */
const SUM_TOLERANCE = 1e-9;

const share = z.number().min(0).max(1);
const delay = z.number().int().min(0).max(MAX_DELAY_MS);
const sumsToOne = (shares: Record<string, number | undefined>) =>
  Math.abs(Object.values(shares).reduce<number>((sum, s) => sum + (s ?? 0), 0) - 1) <= SUM_TOLERANCE;
const mustSum = { message: 'shares must add up to 1' };

/** Body of PUT /__sandbox/population. A channel left out is all `delivered`; a share left out is 0. */
export const populationSchema = z.strictObject({
  line: z
    .strictObject({
      delivered: share.optional(),
      not_found: share.optional(),
      blocked: share.optional(),
      consent_pending: share.optional(),
    })
    .refine(sumsToOne, mustSum)
    .optional(),
  sms: z
    .strictObject({ delivered: share.optional(), undelivered: share.optional(), failed: share.optional() })
    .refine(sumsToOne, mustSum)
    .optional(),
  landline: share.optional(),
  lineDelayMs: delay.optional(),
  smsDelayMs: delay.optional(),
});
export type PopulationSpec = z.infer<typeof populationSchema>;

export function toPopulation(spec: PopulationSpec): Population {
  const line = spec.line ?? { delivered: 1 };
  const sms = spec.sms ?? { delivered: 1 };
  return {
    line: {
      delivered: line.delivered ?? 0,
      not_found: line.not_found ?? 0,
      blocked: line.blocked ?? 0,
      consent_pending: line.consent_pending ?? 0,
    },
    sms: { delivered: sms.delivered ?? 0, undelivered: sms.undelivered ?? 0, failed: sms.failed ?? 0 },
    landline: spec.landline ?? 0,
    ...(spec.lineDelayMs === undefined ? {} : { lineDelayMs: spec.lineDelayMs }),
    ...(spec.smsDelayMs === undefined ? {} : { smsDelayMs: spec.smsDelayMs }),
  };
}

/** 48 bits of the hash, from hex digit `at` on, as a fraction in [0, 1). */
function fraction(hash: string, at: number): number {
  return parseInt(hash.slice(at, at + 12), 16) / 2 ** 48;
}

/** The index whose cumulative share first exceeds u; rounding past the end falls on the last one that has a share. */
function pick(u: number, shares: readonly number[]): number {
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < shares.length; i++) {
    if (shares[i]! <= 0) continue;
    cumulative += shares[i]!;
    last = i;
    if (u < cumulative) return i;
  }
  return last;
}

const SMS_BEHAVIOURS_DRAWN: readonly SmsBehaviour[] = [...SMS_OUTCOMES, 'landline'];

/**
 * Gives each number a behaviour drawn from the SHA-256 of its E.164 form: the hash LINE is sent, and the one the
 * Twilio emulator computes from `To`, so both emulators see the same person, across restarts. Disjoint parts of the
 * hash decide LINE, SMS and landline, so the three are drawn independently.
 */
export class PopulationDraw {
  private readonly lineShares: number[];
  private readonly smsShares: number[];
  /** Every combination, made once: the request path allocates nothing. Index: line × 4 + sms. */
  private readonly profiles: NumberSettings[] = [];

  constructor(private readonly population: Population) {
    this.lineShares = LINE_BEHAVIOURS.map((b) => population.line[b]);
    this.smsShares = SMS_OUTCOMES.map((o) => population.sms[o]);
    for (const line of LINE_BEHAVIOURS) {
      for (const sms of SMS_BEHAVIOURS_DRAWN) {
        this.profiles.push(
          withDefaults({ line, sms, lineDelayMs: population.lineDelayMs, smsDelayMs: population.smsDelayMs }),
        );
      }
    }
  }

  /** The behaviour of the person whose E.164 number has this lowercase hex SHA-256. */
  settingsFor(lineHash: string): NumberSettings {
    const line = pick(fraction(lineHash, 0), this.lineShares);
    const sms =
      fraction(lineHash, 24) < this.population.landline
        ? SMS_OUTCOMES.length
        : pick(fraction(lineHash, 12), this.smsShares);
    return this.profiles[line * SMS_BEHAVIOURS_DRAWN.length + sms]!;
  }
}
