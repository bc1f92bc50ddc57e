import type { AttemptStatus } from './attempt-states.js';
import type { Channel } from './channels.js';
import type { MessageStatus } from './message-states.js';
import type { Route } from './route.js';

/** What the route policy needs to know about a message. */
export interface MessageView {
  id: string;
  status: MessageStatus;
  route: Route;
  stepIndex: number;
  accountIndex: number;
  stepTries: number;
  sendAt: number | null;
  expiresAt: number | null;
  deliveredVia: Channel | null;
  lateDelivery: boolean;
}

/** What the route policy needs to know about an attempt. */
export interface AttemptView {
  id: string;
  stepIndex: number;
  channel: Channel;
  account: string;
  status: AttemptStatus;
  errorClass: string | null;
  units: number | null;
  receiptDeadline: number | null;
  createdAt: number;
}

export interface MessageChanges {
  status?: MessageStatus;
  stepIndex?: number;
  accountIndex?: number;
  stepTries?: number;
  nextRunAt?: number | null;
  deliveredVia?: Channel | null;
  deliveredAt?: number | null;
  finalReason?: string | null;
  lateDelivery?: boolean;
}

export interface AttemptChange {
  id: string;
  to?: AttemptStatus;
  patch: {
    providerMessageId?: string | null;
    errorClass?: string | null;
    errorCode?: string | null;
    errorDetail?: string | null;
    units?: number | null;
    receiptDeadline?: number | null;
  };
}

export interface DecisionEvent {
  type: string;
  attemptId: string | null;
  data: Record<string, unknown> | null;
}

/** The outcome of a policy function: what to write, and what to do next. Pure data. */
export interface Decision {
  message: MessageChanges;
  attempts: AttemptChange[];
  events: DecisionEvent[];
  reachability: { channel: Channel; outcome: 'reachable' | 'unreachable'; code: string | null }[];
  /** Make a request now on this step and account. */
  send?: { stepIndex: number; accountIndex: number; channel: Channel; account: string };
  /** Stop using an account until then (ms epoch). */
  openCircuit?: { account: string; until: number | 'month_end_jst'; code: string };
}

export function emptyDecision(): Decision {
  return { message: {}, attempts: [], events: [], reachability: [] };
}
