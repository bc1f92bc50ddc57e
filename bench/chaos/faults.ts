import { request } from 'undici';

/** A provider fault, as the sandbox control API takes it (POST /__sandbox/faults). */
export interface FaultSpec {
  provider: 'line' | 'twilio';
  kind:
    | '5xx'
    | '429'
    | 'monthly_limit'
    | 'timeout'
    | 'reset'
    | 'slow'
    | 'duplicate_receipts'
    | 'reorder_receipts'
    | 'delay_receipts';
  count?: number;
  rate?: number;
  durationMs?: number;
  delayMs?: number;
}

export interface FaultResult {
  fault: FaultSpec;
  /** ms since the run started. */
  at: number;
  result: 'injected' | 'not available' | string;
}

/** Faults of every kind the issue names, in the order a run injects them: the monthly limit comes last. */
export const FULL_FAULT_PLAN: FaultSpec[] = [
  { provider: 'line', kind: '5xx', count: 40 },
  { provider: 'line', kind: '429', count: 40 },
  { provider: 'twilio', kind: '5xx', count: 20 },
  { provider: 'line', kind: 'timeout', count: 3 },
  { provider: 'twilio', kind: 'timeout', count: 2 },
  { provider: 'line', kind: 'reset', count: 5 },
  { provider: 'twilio', kind: 'reset', count: 3 },
  { provider: 'line', kind: 'slow', durationMs: 3_000, delayMs: 400 },
  { provider: 'line', kind: 'duplicate_receipts', durationMs: 10_000 },
  { provider: 'twilio', kind: 'duplicate_receipts', durationMs: 10_000 },
  { provider: 'twilio', kind: 'reorder_receipts', durationMs: 10_000 },
  { provider: 'line', kind: 'delay_receipts', durationMs: 10_000, delayMs: 3_000 },
  { provider: 'twilio', kind: '429', count: 10 },
  { provider: 'line', kind: 'monthly_limit', count: 1 },
];

/**
 * Injects faults through the sandbox control API. Where the sandbox has no fault API (404) every fault reports
 * "not available" and the run goes on without them; a fault the sandbox refuses reports why.
 */
export class FaultInjector {
  private available: boolean | null = null;

  constructor(
    private readonly controlUrl: string,
    private readonly startedAt: number,
  ) {}

  async inject(fault: FaultSpec): Promise<FaultResult> {
    const at = Date.now() - this.startedAt;
    if (this.available === false) return { fault, at, result: 'not available' };
    try {
      const response = await request(`${this.controlUrl}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fault),
      });
      const text = await response.body.text();
      if (response.statusCode === 404 && !text.includes('"code"')) {
        this.available = false;
        return { fault, at, result: 'not available' };
      }
      if (response.statusCode >= 300)
        return { fault, at, result: `refused (${response.statusCode}): ${text}` };
      this.available = true;
      return { fault, at, result: 'injected' };
    } catch (error) {
      return { fault, at, result: `failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}

export function describeFault(f: FaultSpec): string {
  const extra = [
    f.count !== undefined ? `count ${f.count}` : '',
    f.rate !== undefined ? `rate ${f.rate}` : '',
    f.durationMs !== undefined ? `for ${f.durationMs} ms` : '',
    f.delayMs !== undefined ? `delay ${f.delayMs} ms` : '',
  ].filter(Boolean);
  return `${f.provider} ${f.kind}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}
