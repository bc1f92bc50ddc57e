import { Agent, request } from 'undici';
import { DueQueue } from './due-queue.js';
import { isHeldBack, type MarkedJob, type ReceiptFaultMark } from './receipt-faults.js';
import type { OutboxKind, OutboxRow, Reschedule, SandboxStore } from './store.js';
import type { TwilioMessageRecord } from './twilio-message.js';

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How the jobs of one kind become HTTP requests. */
export interface JobRenderer {
  /** Jobs of one account that may share one request (LINE puts several events in one webhook). */
  batchSize: number;
  /** Tries before a job is given up (counting the first). */
  maxAttempts: number;
  /** The request for some jobs of one account; null when the account is no longer configured (jobs dropped). */
  render(account: string, jobs: readonly OutboxRow[]): OutgoingRequest | null;
}

export interface WebhookSenderOptions {
  /** Wait before the first retry; doubles each time up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A receiver that has not answered after this long counts as down. */
  timeoutMs?: number;
  /** Requests in flight at once; more due jobs wait in the queue. */
  maxInFlight?: number;
}

/** Jobs handled per timer turn, so a large backlog never blocks the event loop for long. */
const MAX_JOBS_PER_TURN = 2000;
/** setTimeout cannot wait longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A job in the due queue, with what receipt faults do to it (if any). */
type QueuedJob = OutboxRow & { fault?: ReceiptFaultMark };

/**
 * A durable outbox of webhooks and status callbacks. Every job is in SQLite from the moment it is enqueued until
 * the receiver answered 2xx (or it was given up), and in an in-memory due queue so firing needs no query.
 * When a job first comes due its ledger entry is written: that is the moment the message reaches the person.
 * A receiver that is down or answers non-2xx gets the job again later with exponential backoff.
 * Jobs marked by receipt faults are held back, delayed or sent twice when they first come due.
 */
export class WebhookSender {
  private readonly queue = new DueQueue<QueuedJob>();
  /** Backstops of webhooks held back by reorder_receipts. */
  private readonly holdTimers = new Set<NodeJS.Timeout>();
  private readonly agent: Agent;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  private inFlight = 0;
  private readonly settled = new Set<Promise<void>>();
  private done: number[] = [];
  private retry: Reschedule[] = [];
  private flushScheduled = false;
  private inserts: {
    jobs: readonly MarkedJob[];
    twilioMessage: TwilioMessageRecord | undefined;
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];
  private insertScheduled = false;
  private closed = false;
  /** Set once the last outcomes are written: the store may be closed after that. */
  private stopped = false;

  constructor(
    private readonly store: SandboxStore,
    private readonly renderers: Record<OutboxKind, JobRenderer>,
    options: WebhookSenderOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxInFlight = options.maxInFlight ?? 256;
    this.agent = new Agent({
      connections: 64,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  /** Picks up the jobs stored by an earlier run: those already due go out at once. */
  start(): void {
    for (const job of this.store.loadOutbox()) this.queue.push(job);
    this.arm();
  }

  /**
   * Stores jobs and schedules them. Resolves once they are committed: answer the provider request only then.
   * A Twilio message given here is committed with its jobs, so Fetch Message finds whatever was answered 201.
   * Jobs enqueued during one turn of the event loop share one transaction (group commit).
   */
  enqueue(jobs: readonly MarkedJob[], twilioMessage?: TwilioMessageRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.inserts.push({ jobs, twilioMessage, resolve, reject });
      if (!this.insertScheduled) {
        this.insertScheduled = true;
        setImmediate(() => this.storeInserts());
      }
    });
  }

  private storeInserts(): void {
    this.insertScheduled = false;
    const batch = this.inserts;
    this.inserts = [];
    const all: MarkedJob[] = batch.flatMap((b) => b.jobs);
    const messages: TwilioMessageRecord[] = [];
    for (const b of batch) if (b.twilioMessage !== undefined) messages.push(b.twilioMessage);
    let ids: number[];
    try {
      ids = this.store.insertOutbox(all, messages);
    } catch (error) {
      for (const b of batch) b.reject(error);
      return;
    }
    let earliest = Infinity;
    all.forEach((job, i) => {
      this.queue.push({ ...job, id: ids[i]!, attempts: 0 });
      earliest = Math.min(earliest, job.dueAt);
    });
    if (earliest < this.armedAt) this.arm();
    for (const b of batch) b.resolve();
  }

  /** Stops sending. Requests in flight get a moment to finish; whatever is not done stays stored for next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const timer of this.holdTimers) clearTimeout(timer);
    this.holdTimers.clear();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref());
    await Promise.race([Promise.all(this.settled), grace]);
    this.flush();
    this.stopped = true;
    await this.agent.destroy();
  }

  private arm(): void {
    if (this.closed) return;
    const next = this.queue.peek();
    if (next === undefined || this.inFlight >= this.maxInFlight) return;
    if (this.timer && this.armedAt <= next.dueAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = next.dueAt;
    const wait = Math.min(Math.max(0, next.dueAt - Date.now()), MAX_TIMER_MS);
    this.timer = setTimeout(() => this.fire(), wait);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    if (this.closed) return;
    const now = Date.now();
    const open = new Map<string, QueuedJob[]>();
    const batches: QueuedJob[][] = [];
    const fired: QueuedJob[] = [];
    const heldBack: QueuedJob[] = [];
    while (fired.length < MAX_JOBS_PER_TURN) {
      const next = this.queue.peek();
      if (next === undefined || next.dueAt > now) break;
      if (next.fault !== undefined && isHeldBack(next.fault)) {
        // Its person got the message now (the ledger says so below); only the webhook waits.
        this.queue.pop();
        fired.push(next);
        heldBack.push(next);
        continue;
      }
      const key = `${next.kind}\u0000${next.account}`;
      let group = open.get(key);
      if (group === undefined || group.length >= this.renderers[next.kind].batchSize) {
        if (this.inFlight + batches.length >= this.maxInFlight) break;
        group = [];
        open.set(key, group);
        batches.push(group);
      }
      this.queue.pop();
      group.push(next);
      fired.push(next);
    }
    if (fired.some((job) => job.ledger !== null)) {
      this.store.recordDeliveries(fired);
      for (const job of fired) job.ledger = null;
    }
    for (const job of heldBack) this.holdBack(job);
    for (const jobs of batches) this.send(jobs);
    // More due than one turn may take: continue after other work had its turn.
    if (fired.length >= MAX_JOBS_PER_TURN) setImmediate(() => this.arm());
    else this.arm();
  }

  /** delay_receipts: back in the queue, due later. reorder_receipts: out of it until its gate opens. */
  private holdBack(job: QueuedJob): void {
    const mark = job.fault!;
    if (mark.delayMs !== undefined && mark.delayMs > 0) {
      job.dueAt += mark.delayMs;
      delete mark.delayMs;
      this.queue.push(job);
      return;
    }
    const gate = mark.after!;
    const release = () => {
      if (mark.after === undefined) return;
      delete mark.after;
      clearTimeout(backstop);
      this.holdTimers.delete(backstop);
      if (this.closed) return;
      this.queue.push(job);
      this.arm();
    };
    // Nothing may ever overtake it: it goes after holdMs all the same.
    const backstop = setTimeout(release, mark.holdMs ?? 0);
    backstop.unref();
    this.holdTimers.add(backstop);
    gate.wait(release);
  }

  private send(jobs: QueuedJob[]): void {
    const first = jobs[0]!;
    const outgoing = this.renderers[first.kind].render(first.account, jobs);
    if (outgoing === null) {
      this.afterTry(jobs, false);
      this.finish(jobs, true);
      return;
    }
    this.inFlight++;
    const attempt = this.post(outgoing).then((ok) => {
      this.inFlight--;
      this.settled.delete(attempt);
      this.afterTry(jobs, ok);
      this.finish(jobs, ok);
      this.arm();
    });
    this.settled.add(attempt);
  }

  /** One try: whether the receiver answered 2xx. */
  private post(outgoing: OutgoingRequest): Promise<boolean> {
    const { url, headers, body } = outgoing;
    return request(url, { method: 'POST', headers, body, dispatcher: this.agent })
      .then(async (res) => {
        await res.body.dump();
        return res.statusCode >= 200 && res.statusCode < 300;
      })
      .catch(() => false);
  }

  /** Receipt faults acted on once a job's try is over: gates it opens, and the copy of a duplicated webhook. */
  private afterTry(jobs: readonly QueuedJob[], delivered: boolean): void {
    for (const job of jobs) {
      const mark = job.fault;
      if (mark === undefined) continue;
      if (mark.opens !== undefined) {
        for (const gate of mark.opens) gate.open();
        delete mark.opens;
      }
      if (mark.duplicate === true && delivered) {
        delete mark.duplicate;
        this.sendCopy(job);
      }
    }
  }

  /**
   * duplicate_receipts: the same webhook once more, alone, as a redelivery would be (LINE keeps the
   * webhookEventId and says isRedelivery). Its outcome changes nothing.
   */
  private sendCopy(job: QueuedJob): void {
    if (this.closed) return;
    const copy: OutboxRow = { ...job, attempts: job.attempts + 1 };
    const outgoing = this.renderers[job.kind].render(job.account, [copy]);
    if (outgoing === null) return;
    const attempt = this.post(outgoing).then(() => {
      this.settled.delete(attempt);
    });
    this.settled.add(attempt);
  }

  private finish(jobs: readonly QueuedJob[], ok: boolean): void {
    if (this.stopped) return;
    const now = Date.now();
    for (const job of jobs) {
      const attempts = job.attempts + 1;
      if (ok || attempts >= this.renderers[job.kind].maxAttempts) {
        this.done.push(job.id);
        continue;
      }
      job.attempts = attempts;
      job.dueAt = now + Math.min(this.retryBaseMs * 2 ** (attempts - 1), this.retryMaxMs);
      this.retry.push({ id: job.id, dueAt: job.dueAt, attempts });
      if (!this.closed) this.queue.push(job);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes the outcomes gathered since the last flush in one transaction. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.stopped) return;
    if (this.done.length === 0 && this.retry.length === 0) return;
    const done = this.done;
    const retry = this.retry;
    this.done = [];
    this.retry = [];
    this.store.applyOutcomes(done, retry);
  }
}
