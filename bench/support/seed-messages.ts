import { prepareMessage } from '../../src/api/prepare-message.js';
import type { TodokeConfig } from '../../src/config/config.js';
import { systemClock } from '../../src/core/clock.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Priority } from '../../src/store/records.js';
import { messageBody } from './message-bodies.js';
import { createIdFactory } from '../../src/runtime/id-factory.js';

const CHUNK = 5_000;

/**
 * Queues `count` messages in the SQLite file before todoke starts, prepared exactly as the API prepares them and
 * stored through store.acceptMessages: the backlog the engine finds when it starts.
 */
export async function seedMessages(
  file: string,
  config: TodokeConfig,
  count: number,
  priority: Priority,
): Promise<void> {
  const store = await openSqliteStore({ file, clock: systemClock });
  const ctx = { config, clock: systemClock, newId: createIdFactory(systemClock) };
  try {
    for (let first = 0; first < count; first += CHUNK) {
      const chunk = Array.from({ length: Math.min(CHUNK, count - first) }, (_, i) =>
        prepareMessage(messageBody(first + i, priority), undefined, null, ctx),
      );
      await store.acceptMessages(chunk);
    }
  } finally {
    await store.close();
  }
}
