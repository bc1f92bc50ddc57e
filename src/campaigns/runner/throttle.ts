/**
 * A campaign's pace: a token bucket refilled at `perMinute`, holding at most two rounds' worth, so a runner that
 * was busy (or restarted) never catches up in a burst. Pure: the caller passes the time.
 */
export interface Bucket {
  tokens: number;
  at: number;
}

/** A bucket holding one round's worth, as a campaign starts (or a runner takes it over). */
export function newBucket(perMinute: number, roundMs: number, now: number): Bucket {
  return { tokens: (perMinute * roundMs) / 60_000, at: now };
}

/** The bucket refilled up to `now`. */
export function refill(bucket: Bucket, perMinute: number, roundMs: number, now: number): Bucket {
  const capacity = Math.max(1, (2 * perMinute * roundMs) / 60_000);
  const added = (Math.max(0, now - bucket.at) * perMinute) / 60_000;
  return { tokens: Math.min(capacity, bucket.tokens + added), at: now };
}

/** Whole messages the bucket allows now, at most `max`. */
export function allowance(bucket: Bucket, max: number): number {
  return Math.max(0, Math.min(max, Math.floor(bucket.tokens)));
}

export function spend(bucket: Bucket, n: number): Bucket {
  return { tokens: bucket.tokens - n, at: bucket.at };
}
