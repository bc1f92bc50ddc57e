import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, whileDatabaseUnavailable } from './while-database-unavailable.js';

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
const shuttingDown = () => coded('the database system is shutting down', '57P03');

function recordingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

describe('isDatabaseUnavailable', () => {
  it('is true for a server going away or unreachable, also when wrapped as a cause', () => {
    expect(isDatabaseUnavailable(shuttingDown())).toBe(true);
    expect(isDatabaseUnavailable(coded('terminating connection due to administrator command', '57P01'))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(coded('connection failure', '08006'))).toBe(true);
    expect(isDatabaseUnavailable(coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    const wrapped = new Error(
      'cannot open the PostgreSQL store at postgres://127.0.0.1:5432/test: shutting down',
      {
        cause: shuttingDown(),
      },
    );
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
  });

  it('is false for errors a retry would not mend', () => {
    expect(isDatabaseUnavailable(coded('duplicate key value violates unique constraint', '23505'))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(coded('relation "messages" does not exist', '42P01'))).toBe(false);
    expect(isDatabaseUnavailable(coded('password authentication failed', '28P01'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('no provider accounts are configured'))).toBe(false);
    expect(isDatabaseUnavailable('a string')).toBe(false);
  });
});

describe('whileDatabaseUnavailable', () => {
  it('tries a step again while the database restarts, saying so in the log, and returns its result', async () => {
    const { logger, lines } = recordingLogger();
    let calls = 0;
    const result = await whileDatabaseUnavailable(
      'opening the store',
      async () => {
        calls++;
        if (calls < 3) throw shuttingDown();
        return 'open';
      },
      { logger, firstPauseMs: 1 },
    );
    expect(result).toBe('open');
    expect(calls).toBe(3);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'opening the store: the database is not available; trying again',
      retryInMs: 1,
    });
  });

  it('throws any other error at once', async () => {
    const { logger, lines } = recordingLogger();
    let calls = 0;
    const failing = whileDatabaseUnavailable(
      'registering the API key',
      async () => {
        calls++;
        throw coded('duplicate key value violates unique constraint', '23505');
      },
      { logger, firstPauseMs: 1 },
    );
    await expect(failing).rejects.toThrow('duplicate key');
    expect(calls).toBe(1);
    expect(lines).toHaveLength(0);
  });

  it('gives up with the last error once its patience is spent', async () => {
    const { logger } = recordingLogger();
    let calls = 0;
    const failing = whileDatabaseUnavailable(
      'opening the store',
      async () => {
        calls++;
        throw shuttingDown();
      },
      { logger, patienceMs: 30, firstPauseMs: 5 },
    );
    await expect(failing).rejects.toThrow('shutting down');
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(10);
  });
});
