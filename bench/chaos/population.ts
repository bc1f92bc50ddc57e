/** Whether the route line-then-sms can reach the person at all: LINE or, failing that, SMS delivers. */
export type Expectation = 'reachable' | 'unreachable';

export interface Recipient {
  index: number;
  phone: string;
  /** Name of the behaviour mix entry, for the report. */
  kind: string;
  /** Sandbox settings for PUT /__sandbox/numbers; null leaves the sandbox default (LINE user, receives in 100 ms). */
  settings: Record<string, string | number> | null;
  expect: Expectation;
}

/** Longest LINE delivery delay the population uses: the route's LINE wait must stay well above it. */
export interface PopulationTiming {
  maxLineDelayMs: number;
  maxSmsDelayMs: number;
}

interface Kind {
  name: string;
  weight: number;
  expect: Expectation;
  settings: (random: () => number, t: PopulationTiming) => Recipient['settings'];
}

const between = (random: () => number, lo: number, hi: number) => Math.round(lo + random() * (hi - lo));

/**
 * A realistic population: most people are LINE users, some have no LINE account (422 at once), some blocked the
 * account (nothing comes back: SMS after the wait), some must consent first (a late but certain delivery), and
 * some cannot get SMS either. Everyone LINE can reach can also get SMS, so a LINE channel shut by a monthly limit
 * still reaches them.
 */
const KINDS: Kind[] = [
  { name: 'line user', weight: 40, expect: 'reachable', settings: () => null },
  {
    name: 'line user, slow',
    weight: 5,
    expect: 'reachable',
    settings: (r, t) => ({ line: 'delivered', lineDelayMs: between(r, 200, t.maxLineDelayMs) }),
  },
  {
    name: 'no line, sms delivered',
    weight: 20,
    expect: 'reachable',
    settings: (r, t) => ({
      line: 'not_found',
      sms: 'delivered',
      smsDelayMs: between(r, 50, t.maxSmsDelayMs),
    }),
  },
  {
    name: 'blocked line, sms delivered',
    weight: 10,
    expect: 'reachable',
    settings: (r, t) => ({ line: 'blocked', sms: 'delivered', smsDelayMs: between(r, 50, t.maxSmsDelayMs) }),
  },
  {
    name: 'consent pending',
    weight: 10,
    expect: 'reachable',
    settings: (r, t) => ({
      line: 'consent_pending',
      lineDelayMs: between(r, t.maxLineDelayMs / 2, t.maxLineDelayMs),
    }),
  },
  {
    name: 'no line, sms undelivered',
    weight: 10,
    expect: 'unreachable',
    settings: (r, t) => ({
      line: 'not_found',
      sms: 'undelivered',
      smsDelayMs: between(r, 50, t.maxSmsDelayMs),
    }),
  },
  {
    name: 'blocked line, sms undelivered',
    weight: 5,
    expect: 'unreachable',
    settings: (r, t) => ({
      line: 'blocked',
      sms: 'undelivered',
      smsDelayMs: between(r, 50, t.maxSmsDelayMs),
    }),
  },
];
const TOTAL_WEIGHT = KINDS.reduce((n, k) => n + k.weight, 0);

/** A Japanese mobile number per index, 090-2000-0000 onwards: unique up to 8 × 10^7 recipients. */
export function phoneOf(index: number): string {
  return `+8190${20_000_000 + index}`;
}

export function buildPopulation(count: number, random: () => number, timing: PopulationTiming): Recipient[] {
  return Array.from({ length: count }, (_, index) => {
    let pick = random() * TOTAL_WEIGHT;
    const kind = KINDS.find((k) => (pick -= k.weight) < 0) ?? KINDS[0]!;
    return {
      index,
      phone: phoneOf(index),
      kind: kind.name,
      settings: kind.settings(random, timing),
      expect: kind.expect,
    };
  });
}

/** Deterministic random numbers in [0, 1) from a seed (mulberry32), so a run can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
