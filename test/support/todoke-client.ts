import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/** What a test needs of a message in GET /v1/messages listings. */
export interface MessageSummary {
  id: string;
  status: string;
  to: { phone: string | null };
  deliveredVia: string | null;
  lateDelivery: boolean;
  finalReason: string | null;
  metadata: Record<string, unknown> | null;
}

export interface MessageDetail extends MessageSummary {
  attempts: {
    id: string;
    channel: string;
    status: string;
    error: { class: string | null; code: string | null; detail: string | null } | null;
  }[];
  events: { type: string; attemptId: string | null; at: string }[];
}

export interface LedgerEntry {
  channel: string;
  provider: string;
  to: string;
  text: string;
  at: string;
  attemptRef: string;
}

export const FINAL_STATUSES = new Set(['delivered', 'failed', 'expired', 'canceled']);

async function json<T>(
  url: string,
  init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await request(url, { ...init, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const text = await response.body.text();
  return { status: response.statusCode, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export interface EnqueueOptions {
  batchSize?: number;
  /** Give up retrying after this moment (ms since the epoch). */
  deadline?: number;
  /** Give up when one batch fails for this long in a row (default 90 s): an outage is shorter than that. */
  giveUpAfterMs?: number;
  /** Called for each failed try, which is then retried: the API may be restarting or the database away. */
  onRetry?: (reason: string) => void;
}

/** An answer no retry changes (a 4xx other than 429). */
class Refused extends Error {}

/**
 * Posts `body` to `path` until the API takes it (200 or 202), retrying every 250 ms: the API may be restarting or
 * the database away. A 4xx other than 429 is final; so is failing past `deadline` or for `giveUpAfterMs` in a row.
 */
async function postUntilTaken<T>(
  apiUrl: string,
  apiKey: string,
  path: string,
  body: unknown,
  what: string,
  options: EnqueueOptions & { headers?: Record<string, string> },
): Promise<T> {
  const deadline = options.deadline ?? Date.now() + 120_000;
  const giveUpAt = Date.now() + (options.giveUpAfterMs ?? 90_000);
  for (;;) {
    let reason: string;
    try {
      const answer = await json<T>(`${apiUrl}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          ...options.headers,
        },
        body: JSON.stringify(body),
      });
      if (answer.status === 200 || answer.status === 202) return answer.body;
      if (answer.status < 500 && answer.status !== 429)
        throw new Refused(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      reason = `HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`;
    } catch (error) {
      if (error instanceof Refused) throw error;
      reason = error instanceof Error ? error.message : String(error);
    }
    options.onRetry?.(reason);
    if (Date.now() > Math.min(deadline, giveUpAt)) throw new Error(`the API did not take ${what}: ${reason}`);
    await sleep(250);
  }
}

/**
 * Sends the items through POST /v1/messages/batch in batches, retrying a batch until the API takes it. Every item
 * carries its idempotency key, so a retry of a batch the API stored before failing to answer creates nothing
 * twice. Resolves with the message ids in item order.
 */
export async function enqueueBatches(
  apiUrl: string,
  apiKey: string,
  items: readonly { idempotencyKey: string }[],
  options: EnqueueOptions = {},
): Promise<string[]> {
  const size = options.batchSize ?? 1000;
  const ids: string[] = [];
  for (let from = 0; from < items.length; from += size) {
    const { items: results } = await postUntilTaken<{ items: { id?: string; error?: unknown }[] }>(
      apiUrl,
      apiKey,
      '/v1/messages/batch',
      { items: items.slice(from, from + size) },
      `batch ${from / size}`,
      options,
    );
    const refused = results.find((item) => !item.id);
    if (refused) throw new Error(`the API refused an item: ${JSON.stringify(refused)}`);
    ids.push(...results.map((item) => item.id!));
  }
  return ids;
}

/**
 * Sends each item on its own through POST /v1/messages (its idempotencyKey as the Idempotency-Key header), as an
 * application sends alerts as they happen: `concurrency` at a time, item i not before `i / items.length` of
 * `overMs` has passed. Each is retried until the API takes it (postUntilTaken): a retry of a message stored
 * before its answer was lost finds the original. Resolves with the message ids in item order.
 */
export async function sendEach(
  apiUrl: string,
  apiKey: string,
  items: readonly { idempotencyKey: string }[],
  options: EnqueueOptions & { overMs?: number; concurrency?: number } = {},
): Promise<string[]> {
  const started = Date.now();
  const ids: string[] = new Array<string>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const due = started + ((options.overMs ?? 0) * i) / items.length;
      if (due > Date.now()) await sleep(due - Date.now());
      const item = items[i]!;
      const answer = await postUntilTaken<{ id: string }>(
        apiUrl,
        apiKey,
        '/v1/messages',
        item,
        `message ${i}`,
        {
          ...options,
          headers: { 'idempotency-key': item.idempotencyKey },
        },
      );
      ids[i] = answer.id;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return ids;
}

/** Messages per status, from the api process's /metrics (todoke_queue_depth); null when it does not answer. */
export async function queueDepth(apiUrl: string): Promise<Record<string, number> | null> {
  try {
    const response = await request(`${apiUrl}/metrics`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await response.body.text();
    if (response.statusCode !== 200) return null;
    const depth: Record<string, number> = {};
    for (const match of text.matchAll(/^todoke_queue_depth\{status="([a-z_]+)"\} (\d+)$/gm)) {
      depth[match[1]!] = Number(match[2]);
    }
    return Object.keys(depth).length > 0 ? depth : null;
  } catch {
    return null;
  }
}

/** Messages not in a final state, from queueDepth; null when the API does not answer. */
export async function notFinal(apiUrl: string): Promise<number | null> {
  const depth = await queueDepth(apiUrl);
  if (!depth) return null;
  return Object.entries(depth).reduce(
    (n, [status, count]) => n + (FINAL_STATUSES.has(status) ? 0 : count),
    0,
  );
}

/** Every message, through GET /v1/messages pages of 500. */
export async function listAllMessages(apiUrl: string, apiKey: string): Promise<MessageSummary[]> {
  const all: MessageSummary[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { status, body } = await json<{ items: MessageSummary[]; nextCursor: string | null }>(
      `${apiUrl}/v1/messages?${query}`,
      { headers: { authorization: `Bearer ${apiKey}` } },
    );
    if (status !== 200) throw new Error(`GET /v1/messages answered ${status}: ${JSON.stringify(body)}`);
    all.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return all;
}

export async function getMessage(apiUrl: string, apiKey: string, id: string): Promise<MessageDetail> {
  const { status, body } = await json<MessageDetail>(`${apiUrl}/v1/messages/${id}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (status !== 200) throw new Error(`GET /v1/messages/${id} answered ${status}`);
  return body;
}

/** Everything the sandbox delivered, oldest first. */
export async function readLedger(controlUrl: string): Promise<LedgerEntry[]> {
  const { status, body } = await json<{ items: LedgerEntry[] }>(
    `${controlUrl}/__sandbox/ledger?limit=1000000`,
  );
  if (status !== 200) throw new Error(`the ledger answered ${status}`);
  return body.items;
}

/** When each request reached the provider's emulator (ms since the epoch), oldest first. */
export async function readArrivals(controlUrl: string, provider: 'line' | 'twilio'): Promise<number[]> {
  const { status, body } = await json<{ at: number[] }>(
    `${controlUrl}/__sandbox/requests?provider=${provider}`,
  );
  if (status !== 200) throw new Error(`the request log answered ${status}`);
  return body.at;
}

/** Sets per-number behaviour (PUT /__sandbox/numbers/{e164}), `concurrency` requests at a time. */
export async function setNumbers(
  controlUrl: string,
  numbers: readonly [string, Record<string, unknown>][],
  concurrency = 16,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < numbers.length) {
      const [phone, settings] = numbers[next++]!;
      const { status, body } = await json(`${controlUrl}/__sandbox/numbers/${encodeURIComponent(phone)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(settings),
      });
      if (status !== 200) throw new Error(`PUT number ${phone} answered ${status}: ${JSON.stringify(body)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
