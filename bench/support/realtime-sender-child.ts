import { Pool } from 'undici';
import { messageBody } from './message-bodies.js';
import type { SenderCommand, SenderEvent, SenderSpec, SentMessage } from './realtime-sender.js';

let pool: Pool | null = null;
let timer: NodeJS.Timeout | null = null;
let sent: SentMessage[] = [];
let pending: Promise<void>[] = [];

function sendOne(spec: SenderSpec, i: number): Promise<void> {
  const text = `${spec.label} ${i}`;
  const body = JSON.stringify(messageBody(spec.firstPhone + i, 'realtime', text));
  const record: SentMessage = { text, sentAt: Date.now(), answeredAt: 0, status: 0 };
  sent.push(record);
  return pool!
    .request({
      path: '/v1/messages',
      method: 'POST',
      headers: { authorization: `Bearer ${spec.apiKey}`, 'content-type': 'application/json' },
      body,
    })
    .then(async (response) => {
      await response.body.dump();
      record.status = response.statusCode;
      record.answeredAt = Date.now();
    })
    .catch(() => undefined);
}

/** Sends on a fixed schedule (not after each answer), so a slow answer does not thin out the samples. */
function start(spec: SenderSpec): void {
  pool = new Pool(spec.url, { connections: 16 });
  sent = [];
  pending = [];
  const interval = 1000 / spec.ratePerSecond;
  const first = performance.now();
  let i = 0;
  const tick = () => {
    pending.push(sendOne(spec, i++));
    timer = setTimeout(tick, Math.max(0, first + i * interval - performance.now()));
  };
  tick();
}

async function stop(): Promise<void> {
  if (timer) clearTimeout(timer);
  await Promise.all(pending);
  await pool?.close();
  process.send!({ type: 'report', sent } satisfies SenderEvent);
}

process.on('message', (command: SenderCommand) => {
  if (command.type === 'start') start(command.spec);
  else void stop();
});
process.send!({ type: 'ready' } satisfies SenderEvent);
