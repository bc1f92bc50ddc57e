import { z } from 'zod';
import { ATTEMPT_STATUSES } from '../core/attempt-states.js';
import { CHANNELS } from '../core/channels.js';
import { MESSAGE_STATUSES } from '../core/message-states.js';
import type { AttemptRecord, EventRecord, MessageRecord } from '../store/records.js';

const Time = z.string().meta({ description: 'ISO 8601' });
const NullableTime = Time.nullable();

export const AcceptedView = z.object({ id: z.string(), status: z.enum(MESSAGE_STATUSES) });

const Recipient = z.object({
  phone: z.string().nullable(),
  lineUserId: z.string().nullable(),
  email: z.string().nullable(),
});

const RouteView = z.object({
  name: z.string().nullable(),
  steps: z.array(
    z.object({
      channel: z.enum(CHANNELS),
      accounts: z.array(z.string()),
      fallbackAfter: z.string().meta({ description: 'e.g. 15m' }),
    }),
  ),
});

export const MessageSummaryView = z.object({
  id: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  to: Recipient,
  purpose: z.string(),
  route: RouteView,
  template: z
    .object({ id: z.string(), name: z.string(), version: z.number() })
    .nullable()
    .meta({ description: 'The template version the content was rendered from at acceptance' }),
  timeZone: z.string().nullable().meta({ description: "The recipient's time zone for send windows" }),
  priority: z.enum(['realtime', 'bulk']),
  sendAt: NullableTime,
  expiresAt: NullableTime,
  metadata: z.record(z.string(), z.unknown()).nullable(),
  campaignId: z.string().nullable(),
  deliveredVia: z.enum(CHANNELS).nullable(),
  deliveredAt: NullableTime,
  lateDelivery: z.boolean(),
  finalReason: z.string().nullable(),
  createdAt: Time,
  updatedAt: Time,
});

const AttemptView = z.object({
  id: z.string(),
  step: z.number(),
  channel: z.enum(CHANNELS),
  account: z.string(),
  provider: z.string(),
  status: z.enum(ATTEMPT_STATUSES),
  providerMessageId: z.string().nullable(),
  error: z
    .object({ class: z.string().nullable(), code: z.string().nullable(), detail: z.string().nullable() })
    .nullable(),
  units: z.number().nullable(),
  cost: z.number().nullable(),
  createdAt: Time,
  updatedAt: Time,
});

const EventView = z.object({
  type: z.string(),
  attemptId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  at: Time,
});

export const MessageView = MessageSummaryView.extend({
  attempts: z.array(AttemptView),
  events: z.array(EventView),
});

export const MessageListView = z.object({
  items: z.array(MessageSummaryView),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass as cursor for the next page; null on the last page' }),
});

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** Milliseconds in the largest unit that divides them exactly: 900000 → "15m". */
export function formatDuration(ms: number): string {
  for (const [unit, size] of UNITS) if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

export function messageSummary(m: MessageRecord): z.input<typeof MessageSummaryView> {
  return {
    id: m.id,
    status: m.status,
    to: { phone: m.phone, lineUserId: m.lineUserId, email: m.email },
    purpose: m.purpose,
    template: m.content.template ?? null,
    timeZone: m.timeZone ?? null,
    route: {
      name: m.route.name,
      steps: m.route.steps.map((s) => ({
        channel: s.channel,
        accounts: s.accounts,
        fallbackAfter: formatDuration(s.fallbackAfterMs),
      })),
    },
    priority: m.priority,
    sendAt: isoOrNull(m.sendAt),
    expiresAt: isoOrNull(m.expiresAt),
    metadata: m.metadata,
    campaignId: m.campaignId,
    deliveredVia: m.deliveredVia,
    deliveredAt: isoOrNull(m.deliveredAt),
    lateDelivery: m.lateDelivery,
    finalReason: m.finalReason,
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
  };
}

function attemptView(a: AttemptRecord): z.input<typeof AttemptView> {
  const failed = a.errorClass !== null || a.errorCode !== null || a.errorDetail !== null;
  return {
    id: a.id,
    step: a.stepIndex,
    channel: a.channel,
    account: a.account,
    provider: a.provider,
    status: a.status,
    providerMessageId: a.providerMessageId,
    error: failed ? { class: a.errorClass, code: a.errorCode, detail: a.errorDetail } : null,
    units: a.units,
    cost: a.cost,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

/** A message with its attempts and events, as GET /v1/messages/{id} shows it. */
export function messageView(
  m: MessageRecord,
  attempts: AttemptRecord[],
  events: EventRecord[],
): z.input<typeof MessageView> {
  return {
    ...messageSummary(m),
    attempts: attempts.map(attemptView),
    // Acceptance is written with the message itself, not as an event row: the timeline starts with it.
    events: [
      { type: 'accepted', attemptId: null, data: null, at: iso(m.createdAt) },
      ...events.map((e) => ({ type: e.type, attemptId: e.attemptId, data: e.data, at: iso(e.at) })),
    ],
  };
}
