import type { Recipient } from './population.js';

/** One thing that reached a person, as the sandbox ledger recorded it, matched to the recipient by its text. */
export interface Delivery {
  index: number;
  channel: string;
  at: string;
  attemptRef: string;
}

/** A message as the API reports it, matched to the recipient by its metadata. */
export interface MessageState {
  index: number;
  id: string;
  status: string;
}

/** One attempt of a message, as the API reports it. */
export interface AttemptSummary {
  channel: string;
  status: string;
  errorClass: string | null;
  /** For the report: channel, status, error, id. */
  line: string;
}

/** What the message's attempts say, read for the recipients that need explaining. */
export interface MessageHistory {
  attempts: AttemptSummary[];
}

/**
 * The request may have reached the person and todoke could not know: its outcome was unknown (a crash mid-request,
 * a timeout, a reset) and was never settled as a definite failure. Each such attempt may account for one delivery.
 */
function couldHaveLeftUnseen(a: AttemptSummary): boolean {
  return a.errorClass === 'unknown' && a.status !== 'failed' && a.status !== 'undelivered';
}

/**
 * How many deliveries the attempts account for: one, plus one per attempt with an unknown outcome on a channel
 * that delivered. An attempt settled as "not sent" (say, not found at the provider) accounts for nothing: if it
 * reached the person after all, the second delivery is todoke's fault.
 */
function deliveriesAccountedFor(got: readonly Delivery[], history: MessageHistory | undefined): number {
  const channels = new Set(got.map((d) => d.channel));
  const unseen =
    history?.attempts.filter((a) => channels.has(a.channel) && couldHaveLeftUnseen(a)).length ?? 0;
  return 1 + unseen;
}

export interface Finding {
  index: number;
  phone: string;
  kind: string;
  messageId: string | null;
  status: string | null;
  received: string[];
  attempts: string[];
}

export interface DeliveryVerdict {
  recipients: number;
  reachable: number;
  unreachable: number;
  /** Messages the API knows for these recipients. */
  messages: number;
  exactlyOnce: number;
  /** Received more than once, each extra delivery accounted for by an attempt with an unknown outcome: allowed, listed. */
  twiceAfterUnknown: Finding[];
  /** Received more often than the attempts with an unknown outcome account for: a violation. */
  twice: Finding[];
  /**
   * Reachable (LINE or SMS delivers to them), nothing received: a violation, whatever the attempts say. An unknown
   * outcome is no excuse here: a LINE attempt with an unknown outcome falls back to SMS, and an SMS one is looked up
   * at the provider before anything is decided.
   */
  lost: Finding[];
  /** How many of the lost had an attempt whose outcome was unknown (for the diagnosis). */
  lostAfterUnknown: number;
  /** Neither LINE nor SMS can reach them, yet something arrived: a violation. */
  receivedWhileUnreachable: Finding[];
  /** Not delivered, failed, expired or canceled: a violation. */
  stuck: Finding[];
  /** The API says delivered but nothing reached the person: a violation. */
  deliveredButNothingReceived: Finding[];
  /** Recipients the API has no message for: a violation. */
  missing: number[];
  violations: number;
}

const FINAL = new Set(['delivered', 'failed', 'expired', 'canceled']);

/**
 * The chaos run's verdict from the sandbox ledger (what people actually received) and the API (what todoke
 * says): each recipient reached exactly once if reachable, nothing to the unreachable, nothing stuck. `histories`
 * must hold every recipient that received twice or, reachable, nothing (see `needsHistory`).
 */
export function checkDelivery(
  recipients: readonly Recipient[],
  deliveries: readonly Delivery[],
  messages: readonly MessageState[],
  histories: ReadonlyMap<number, MessageHistory>,
): DeliveryVerdict {
  const received = receivedBy(deliveries);
  const byIndex = new Map(messages.map((m) => [m.index, m]));
  const v: DeliveryVerdict = {
    recipients: recipients.length,
    reachable: recipients.filter((r) => r.expect === 'reachable').length,
    unreachable: recipients.filter((r) => r.expect === 'unreachable').length,
    messages: byIndex.size,
    exactlyOnce: 0,
    twiceAfterUnknown: [],
    twice: [],
    lost: [],
    lostAfterUnknown: 0,
    receivedWhileUnreachable: [],
    stuck: [],
    deliveredButNothingReceived: [],
    missing: [],
    violations: 0,
  };
  for (const r of recipients) {
    const got = received.get(r.index) ?? [];
    const message = byIndex.get(r.index) ?? null;
    const history = histories.get(r.index);
    const finding = (): Finding => ({
      index: r.index,
      phone: r.phone,
      kind: r.kind,
      messageId: message?.id ?? null,
      status: message?.status ?? null,
      received: got.map((d) => `${d.channel} at ${d.at} (${d.attemptRef})`),
      attempts: history?.attempts.map((a) => a.line) ?? [],
    });
    if (!message) v.missing.push(r.index);
    else if (!FINAL.has(message.status)) v.stuck.push(finding());

    if (r.expect === 'unreachable') {
      if (got.length > 0) v.receivedWhileUnreachable.push(finding());
      continue;
    }
    if (got.length === 1) v.exactlyOnce += 1;
    else if (got.length > 1) {
      (got.length <= deliveriesAccountedFor(got, history) ? v.twiceAfterUnknown : v.twice).push(finding());
    } else {
      v.lost.push(finding());
      if (history?.attempts.some((a) => a.errorClass === 'unknown')) v.lostAfterUnknown += 1;
    }
    if (got.length === 0 && message?.status === 'delivered') v.deliveredButNothingReceived.push(finding());
  }
  v.violations =
    v.twice.length +
    v.lost.length +
    v.receivedWhileUnreachable.length +
    v.stuck.length +
    v.deliveredButNothingReceived.length +
    v.missing.length;
  return v;
}

/** Recipients whose message history the verdict needs: received more than once, or reachable and nothing. */
export function needsHistory(recipients: readonly Recipient[], deliveries: readonly Delivery[]): number[] {
  const received = receivedBy(deliveries);
  return recipients
    .filter((r) => {
      const n = received.get(r.index)?.length ?? 0;
      return n > 1 || (n === 0 && r.expect === 'reachable');
    })
    .map((r) => r.index);
}

function receivedBy(deliveries: readonly Delivery[]): Map<number, Delivery[]> {
  const map = new Map<number, Delivery[]>();
  for (const d of deliveries) {
    const list = map.get(d.index);
    if (list) list.push(d);
    else map.set(d.index, [d]);
  }
  return map;
}
