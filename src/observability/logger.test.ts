import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPhoneNumbers } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, raw, logger: createLogger('debug', stream) };
}

describe('maskPhoneNumbers', () => {
  it.each([
    ['+819012345678', '+8190****5678'],
    ['to +819012345678.', 'to +8190****5678.'],
    ['090-1234-5678', '090-****-5678'],
    ['09012345678', '090****5678'],
    ['080 1234 5678', '080 **** 5678'],
    ['+81 90 1234 5678', '+81 90 **** 5678'],
    ['81-90-1234-5678', '81-90-****-5678'],
    ['To=%2B819012345678&From=x', 'To=%2B8190****5678&From=x'],
    ['+14155552671', '+1415****2671'],
  ])('masks %j', (input, masked) => {
    expect(maskPhoneNumbers(input)).toBe(masked);
  });

  it.each(['01KAP8Y0XQ3M5N7R9T1V3X5Z7B', '1763780400000', 'attempt 12345678', '03-1234-5678 office'])(
    'leaves %j alone',
    (input) => {
      expect(maskPhoneNumbers(input)).toBe(input);
    },
  );
});

describe('createLogger', () => {
  it('masks phone numbers in messages, printf arguments, fields, nested objects and errors', () => {
    const { raw, logger } = capture();
    logger.info('sending to 090-1234-5678');
    logger.info('sending to %s', '+819012345678');
    logger.info({ to: { phone: '+819012345678' }, list: ['08011112222'] }, 'queued');
    logger.error({ err: new Error('Twilio refused +819012345678') }, 'send failed');
    logger.child({ phone: '+817012345678' }).info('child');
    const all = raw.join('');
    expect(all).not.toMatch(/12345678|11112222/);
    expect(all).toContain('+8190****5678');
    expect(all).toContain('080****2222');
    expect(all).toContain('+8170****5678');
  });

  it('redacts credentials wherever they sit', () => {
    const { lines, raw, logger } = capture();
    logger.info({
      req: { method: 'POST', url: '/v1/messages', headers: { authorization: 'Bearer tdk_abc' } },
      config: { secret: 's3cr3t', accounts: { twilio: { authToken: 'tw-token', accountSid: 'AC1' } } },
      headers: { authorization: 'Bearer tdk_def' },
      channelAccessToken: 'line-token',
    });
    logger.child({ account: { token: 'karaden-token' } }).info('child');
    const all = raw.join('');
    for (const secret of ['tdk_abc', 'tdk_def', 's3cr3t', 'tw-token', 'line-token', 'karaden-token'])
      expect(all).not.toContain(secret);
    expect(all).toContain('AC1');
    expect(lines[0]).toMatchObject({ headers: { authorization: '[REDACTED]' } });
  });

  it('honours the level', () => {
    const stream = new Writable({ write: (_c, _e, done) => done() });
    expect(createLogger('warn', stream).isLevelEnabled('info')).toBe(false);
  });
});
