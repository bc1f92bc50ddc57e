/**
 * Generic cell rate algorithm, for rate limits shared by several processes: the whole state is one number, the
 * theoretical arrival time (`tat`) of the next request, so a database can hold it in one row and update it in one
 * statement. Requests are spaced `intervalMs` apart; up to `burstMs` worth may go ahead of schedule.
 *
 * Any window of length T then holds at most (T + burstMs) / intervalMs grants. `intervalForLimit` picks the
 * interval so that even with `jitterMs` between a grant and its request, no one-second window exceeds the limit.
 */
export interface GcraGrant {
  granted: number;
  /** The new state. */
  tat: number;
  /** When nothing was granted: how long until one request would be. */
  retryAfterMs: number;
}

export function gcraTake(
  tat: number,
  now: number,
  want: number,
  intervalMs: number,
  burstMs: number,
): GcraGrant {
  const start = Math.max(tat, now);
  // How many fit before the schedule runs more than burstMs ahead of now.
  const room = Math.floor((now + burstMs - start) / intervalMs) + 1;
  const granted = Math.max(0, Math.min(want, room));
  if (granted === 0) return { granted: 0, tat, retryAfterMs: Math.max(1, Math.ceil(start - burstMs - now)) };
  return { granted, tat: start + granted * intervalMs, retryAfterMs: 0 };
}

/** The spacing that keeps every one-second window at or under `perSecond`, given the burst and the jitter. */
export function intervalForLimit(perSecond: number, burstMs: number, jitterMs: number): number {
  // A window can hold (T + burst) / interval grants plus the one at its start: hence perSecond - 1.
  return (1000 + burstMs + jitterMs) / Math.max(1, perSecond - 1);
}
