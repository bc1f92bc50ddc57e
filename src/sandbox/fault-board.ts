import { ulid } from 'ulid';
import {
  DEFAULT_FAULT_DELAY_MS,
  FAULT_PROVIDERS,
  DEFAULT_REORDER_HOLD_MS,
  isRequestFault,
  type ActiveFault,
  type FaultKind,
  type FaultProvider,
  type FaultSpec,
  type ReceiptFaultKind,
  type RequestFaultKind,
} from './fault-spec.js';

/** A fault meeting one request or message: what to do, and its delay where the kind has one. */
export interface FaultHit<K extends FaultKind = FaultKind> {
  kind: K;
  delayMs: number;
}

interface Entry {
  view: ActiveFault;
  provider: FaultProvider;
  kind: FaultKind;
  rate: number;
  /** Infinity without a count. */
  remaining: number;
  /** Infinity without a duration. */
  expiresAt: number;
  delayMs: number;
}

/** An empty list of faults for every provider. */
function perProvider(): Record<FaultProvider, Entry[]> {
  return Object.fromEntries(FAULT_PROVIDERS.map((p) => [p, []])) as unknown as Record<FaultProvider, Entry[]>;
}

/** The delay a kind uses when none is given; 0 for kinds without one. */
function defaultDelay(kind: FaultKind): number {
  if (kind === 'slow' || kind === 'delay_receipts') return DEFAULT_FAULT_DELAY_MS;
  if (kind === 'reorder_receipts') return DEFAULT_REORDER_HOLD_MS;
  return 0;
}

/**
 * The faults an operator asked for, in memory (they are a rehearsal tool, not state to keep). A fault applies to
 * the next `count` matching requests, or to each with probability `rate`, until its count is used up, its
 * duration is over or it is deleted. Without count and rate it applies to every matching request for its
 * duration, or, without a duration, to the next one only. The emulators ask on every request,
 * so with no fault set the answer is one array-length check.
 */
export class FaultBoard {
  private readonly all = new Map<string, Entry>();
  private readonly requests = perProvider();
  private readonly receipts = perProvider();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  add(spec: FaultSpec): ActiveFault {
    const createdAt = this.now();
    // Neither count nor rate: every matching request while it lasts, or the next one only when it has no end.
    const count = spec.count ?? (spec.rate === undefined && spec.durationMs === undefined ? 1 : undefined);
    const delayMs = spec.delayMs ?? defaultDelay(spec.kind);
    const view: ActiveFault = {
      id: ulid(createdAt),
      provider: spec.provider,
      kind: spec.kind,
      ...(count === undefined ? {} : { count, remaining: count }),
      ...(spec.rate === undefined ? {} : { rate: spec.rate }),
      ...(spec.durationMs === undefined ? {} : { durationMs: spec.durationMs }),
      ...(delayMs === 0 && spec.delayMs === undefined ? {} : { delayMs }),
      applied: 0,
      createdAt: new Date(createdAt).toISOString(),
      ...(spec.durationMs === undefined
        ? {}
        : { expiresAt: new Date(createdAt + spec.durationMs).toISOString() }),
    };
    const entry: Entry = {
      view,
      provider: spec.provider,
      kind: spec.kind,
      rate: spec.rate ?? 1,
      remaining: count ?? Infinity,
      expiresAt: spec.durationMs === undefined ? Infinity : createdAt + spec.durationMs,
      delayMs,
    };
    this.all.set(view.id, entry);
    this.listFor(entry).push(entry);
    return { ...view };
  }

  /** The faults still in force, oldest first. */
  list(): ActiveFault[] {
    const now = this.now();
    for (const entry of [...this.all.values()]) if (entry.expiresAt <= now) this.drop(entry);
    return [...this.all.values()].map((e) => ({ ...e.view }));
  }

  /** Ends one fault; false when there is none with that id (any more). */
  remove(id: string): boolean {
    const entry = this.all.get(id);
    if (entry === undefined) return false;
    this.drop(entry);
    return entry.expiresAt > this.now();
  }

  clear(): void {
    this.all.clear();
    for (const p of FAULT_PROVIDERS) {
      this.requests[p].length = 0;
      this.receipts[p].length = 0;
    }
  }

  /** The fault the next request to the provider's send endpoint meets, if any: at most one, oldest first. */
  requestFault(provider: FaultProvider): FaultHit<RequestFaultKind> | undefined {
    const list = this.requests[provider];
    if (list.length === 0) return undefined;
    const now = this.now();
    for (const entry of [...list]) {
      if (this.draw(entry, now)) return { kind: entry.kind as RequestFaultKind, delayMs: entry.delayMs };
    }
    return undefined;
  }

  /** Whether a receipt fault may apply to the provider's messages: lets the emulators skip the lookup. */
  hasReceiptFaults(provider: FaultProvider): boolean {
    return this.receipts[provider].length > 0;
  }

  /**
   * The receipt faults one accepted message meets, at most one of each kind, oldest first. `applies` says which
   * kinds can change anything for this message: the others are not used up by it.
   */
  receiptFaults(
    provider: FaultProvider,
    applies: (kind: ReceiptFaultKind) => boolean,
  ): FaultHit<ReceiptFaultKind>[] {
    const list = this.receipts[provider];
    if (list.length === 0) return [];
    const now = this.now();
    const hits: FaultHit<ReceiptFaultKind>[] = [];
    for (const entry of [...list]) {
      const kind = entry.kind as ReceiptFaultKind;
      if (hits.some((h) => h.kind === kind) || !applies(kind)) continue;
      if (this.draw(entry, now)) hits.push({ kind, delayMs: entry.delayMs });
    }
    return hits;
  }

  /** Whether the fault applies this time (in force and wins its draw); using it up by one if so. */
  private draw(entry: Entry, now: number): boolean {
    if (entry.expiresAt <= now) {
      this.drop(entry);
      return false;
    }
    if (entry.rate < 1 && this.random() >= entry.rate) return false;
    entry.view.applied++;
    entry.remaining--;
    if (entry.view.remaining !== undefined) entry.view.remaining = entry.remaining;
    if (entry.remaining <= 0) this.drop(entry);
    return true;
  }

  private listFor(entry: Entry): Entry[] {
    return isRequestFault(entry.kind) ? this.requests[entry.provider] : this.receipts[entry.provider];
  }

  private drop(entry: Entry): void {
    this.all.delete(entry.view.id);
    const list = this.listFor(entry);
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
  }
}
