import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Respond } from './faulted-answers.js';
import { checkMessagesBody } from './line-request-checks.js';
import type { RetryKeys } from './line-retry-keys.js';
import { LINE_USER_ID, type LineUsers } from './line-users.js';
import type { LinePushPayload } from './line-webhook.js';
import type { MarkedJob } from './receipt-faults.js';
import type { PendingLedgerEntry } from './store.js';
import type { WebhookSender } from './webhook-sender.js';

export interface LinePushDeps {
  users: LineUsers;
  retryKeys: RetryKeys;
  sender: WebhookSender;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A message ID as LINE gives them (a string of digits), and a quote token. */
function sentMessage(): { id: string; quoteToken: string } {
  const id = `${Date.now()}${randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0')}`;
  return { id, quoteToken: randomBytes(24).toString('base64url') };
}

/**
 * `POST /v2/bot/message/push` of one channel, after its access token and content type were checked:
 * - an X-Line-Retry-Key that is not a UUID: 400; one accepted in the last 24 hours: 409 with
 *   `x-line-accepted-request-id` (the first request's ID) and its `sentMessages`, and nothing is sent again;
 * - a body LINE would refuse: 400 with details; a `to` that is not a user ID (U + 32 hex): 400 naming `to`;
 * - a user ID nobody of this provider has (`unknown`): 400 "Failed to send messages";
 * - a user who blocked the account: 200 all the same, nothing arrives;
 * - a user who follows: 200, and the message is in the ledger at once, under the user ID, with the retry key (or,
 *   without one, the request ID) as its reference: resends that LINE refused show as one entry.
 * The answer waits until the ledger entry is on disk: a crash after a 200 must not lose the message.
 */
export function pushToUser(
  deps: LinePushDeps,
  channel: string,
  req: FastifyRequest,
  reply: FastifyReply,
  respond: Respond,
): void {
  const header = req.headers['x-line-retry-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key !== undefined && !UUID.test(key)) {
    return respond(400, {
      message: 'The request header has 1 error(s)',
      details: [{ message: 'must be a UUID', property: 'X-Line-Retry-Key' }],
    });
  }
  const earlier = key === undefined ? undefined : deps.retryKeys.find(channel, key);
  if (earlier !== undefined) {
    reply.header('x-line-accepted-request-id', earlier.requestId);
    return respond(409, {
      message: 'The retry key is already accepted',
      sentMessages: earlier.sentMessages,
    });
  }
  const checked = checkMessagesBody(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
  if (!checked.ok) {
    const { message, details } = checked;
    return respond(400, details === undefined ? { message } : { message, details });
  }
  if (!LINE_USER_ID.test(checked.to)) {
    return respond(400, {
      message: "The property, 'to', in the request body is invalid (line: -, column: -)",
    });
  }
  const state = deps.users.get(checked.to);
  if (state === 'unknown') return respond(400, { message: 'Failed to send messages' });

  const requestId = randomUUID();
  const sentMessages = Array.from({ length: checked.messages }, sentMessage);
  reply.header('x-line-request-id', requestId);
  if (key !== undefined) deps.retryKeys.take(channel, key, { requestId, sentMessages });
  if (state === 'blocked') return respond(200, { sentMessages });

  const payload: LinePushPayload = { type: 'push' };
  const ledger: PendingLedgerEntry = {
    // The ledger's channel type predates push; the column holds any channel name.
    channel: 'line_push' as PendingLedgerEntry['channel'],
    provider: 'line',
    toKey: checked.to,
    text: checked.text,
    attemptRef: key ?? requestId,
  };
  const job: MarkedJob = { kind: 'line', account: channel, dueAt: Date.now(), payload, ledger };
  deps.sender.enqueue([job]).then(
    () => respond(200, { sentMessages }),
    () => {
      if (key !== undefined) deps.retryKeys.release(channel, key);
      respond(500, { message: 'Internal Server Error' });
    },
  );
}
