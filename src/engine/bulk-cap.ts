/**
 * Bulk messages an engine holds at most while realtime messages are flowing (one was taken up within
 * REALTIME_QUIET_MS). Every held message is work queued on the one event loop and the one writer thread that a
 * realtime message passes through as well. Measured with 20 realtime messages/s beside a 100,000-message backlog
 * (`npm run bench -- realtime`): holding 512 bulk messages, realtime p50 84 ms and p99 219 ms; holding 32, p50
 * 8–16 ms and p99 48–74 ms, the backlog draining at a similar pace.
 */
export const BULK_HOLD_BESIDE_REALTIME = 32;
export const REALTIME_QUIET_MS = 2_000;

/** How many messages bulk work may fill, out of `cap`, when the last realtime message came `sinceRealtimeMs` ago. */
export function bulkCap(cap: number, sinceRealtimeMs: number): number {
  return sinceRealtimeMs > REALTIME_QUIET_MS ? cap : Math.min(cap, BULK_HOLD_BESIDE_REALTIME);
}
