import { describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../core/outcome.js';
import {
  answerFromError,
  classifySmtpAnswer,
  parseReply,
  SMTP_ANSWERS,
  type SmtpAnswer,
  type SmtpStage,
} from './errors.js';

const reply = (stage: SmtpStage, text: string): SmtpAnswer => ({
  stage,
  ...parseReply(text),
  text,
  network: null,
});
const lost = (stage: SmtpStage, network: string): SmtpAnswer => ({
  stage,
  reply: null,
  enhanced: null,
  text: 'Connection closed unexpectedly',
  network,
});

describe('SMTP answer classification table', () => {
  const rows: Array<[string, SmtpAnswer, Partial<SendOutcome>]> = [
    [
      '250 after the message is accepted',
      reply('message', '250 2.0.0 Ok: queued as 4XyZ'),
      { kind: 'accepted', units: 1 },
    ],
    [
      '250 without an enhanced code is accepted',
      reply('message', '250 Message accepted'),
      { kind: 'accepted' },
    ],
    [
      'connection lost after the message is unknown',
      lost('message', 'ECONNECTION'),
      { kind: 'unknown', code: 'ECONNECTION' },
    ],
    [
      'timeout waiting for the final reply is unknown',
      lost('message', 'ETIMEDOUT'),
      { kind: 'unknown', code: 'ETIMEDOUT' },
    ],
    [
      'connection refused is retryable',
      lost('connect', 'ECONNREFUSED'),
      { kind: 'retryable', code: 'ECONNREFUSED' },
    ],
    ['DNS failure is retryable', lost('connect', 'ENOTFOUND'), { kind: 'retryable', code: 'ENOTFOUND' }],
    [
      'connection lost during the envelope is retryable',
      lost('envelope', 'ECONNRESET'),
      { kind: 'retryable' },
    ],
    ['connection lost during AUTH is retryable', lost('auth', 'ECONNECTION'), { kind: 'retryable' }],
    [
      '535 5.7.8 bad credentials opens the circuit',
      reply('auth', '535 5.7.8 Error: authentication failed'),
      { kind: 'circuit', code: 'smtp_535_5.7.8' },
    ],
    [
      '502 to AUTH (no AUTH offered) opens the circuit',
      reply('auth', '502 5.5.1 Error: command not implemented'),
      { kind: 'circuit' },
    ],
    [
      '530 authentication required at MAIL FROM opens the circuit',
      reply('mail', '530 5.7.0 Authentication required'),
      { kind: 'circuit', code: 'smtp_530_5.7.0' },
    ],
    [
      'AUTH impossible without a reply (no credentials usable) opens the circuit',
      { stage: 'auth', reply: null, enhanced: null, text: 'Missing credentials for "PLAIN"', network: null },
      { kind: 'circuit', code: 'smtp_auth' },
    ],
    [
      '454 temporary auth failure is retryable',
      reply('auth', '454 4.7.0 Temporary authentication failure'),
      { kind: 'retryable' },
    ],
    [
      '421 greeting is retryable',
      reply('connect', '421 4.3.2 Service shutting down'),
      { kind: 'retryable', code: 'smtp_421_4.3.2' },
    ],
    ['450 mailbox busy is retryable', reply('rcpt', '450 4.2.1 Mailbox busy'), { kind: 'retryable' }],
    [
      '451 greylisting is retryable',
      reply('rcpt', '451 4.7.1 Greylisted, please try again later'),
      { kind: 'retryable' },
    ],
    [
      '452 4.2.2 mailbox full is retryable',
      reply('rcpt', '452 4.2.2 Mailbox full'),
      { kind: 'retryable', code: 'smtp_452_4.2.2' },
    ],
    [
      '451 after the message is retryable (not taken)',
      reply('message', '451 4.3.0 Local error in processing'),
      { kind: 'retryable' },
    ],
    [
      '550 5.1.1 unknown user is unreachable',
      reply('rcpt', '550 5.1.1 <a@b.jp>: User unknown'),
      { kind: 'unreachable', code: 'smtp_550_5.1.1' },
    ],
    [
      '550 without an enhanced code is unreachable',
      reply('rcpt', '550 No such user here'),
      { kind: 'unreachable', code: 'smtp_550' },
    ],
    [
      '553 mailbox name not allowed is unreachable',
      reply('rcpt', "553 sorry, that domain isn't in my list of allowed rcpthosts"),
      { kind: 'unreachable' },
    ],
    ['551 user not local is unreachable', reply('rcpt', '551 User not local'), { kind: 'unreachable' }],
    [
      '550 5.1.2 no such domain is unreachable',
      reply('rcpt', '550 5.1.2 Host unknown'),
      { kind: 'unreachable' },
    ],
    [
      '550 5.2.1 mailbox disabled is unreachable',
      reply('rcpt', '550 5.2.1 The email account that you tried to reach is disabled'),
      { kind: 'unreachable' },
    ],
    [
      '552 5.2.2 mailbox full for good is unreachable',
      reply('rcpt', '552 5.2.2 Mailbox full'),
      { kind: 'unreachable' },
    ],
    [
      '550 5.4.1 (Microsoft 365 unknown recipient) is unreachable',
      reply('rcpt', '550 5.4.1 Recipient address rejected: Access denied'),
      { kind: 'unreachable' },
    ],
    [
      '5.1.1 after the message is unreachable',
      reply('message', '550 5.1.1 User unknown'),
      { kind: 'unreachable' },
    ],
    [
      '554 5.7.1 relay denied at RCPT TO is rejected',
      reply('rcpt', '554 5.7.1 <a@b.jp>: Relay access denied'),
      { kind: 'rejected', code: 'smtp_554_5.7.1' },
    ],
    [
      '552 message too large after the message is rejected',
      reply('message', '552 5.3.4 Message size exceeds fixed limit'),
      { kind: 'rejected' },
    ],
    [
      '554 content refused after the message is rejected',
      reply('message', '554 5.7.1 Message rejected as spam'),
      { kind: 'rejected', code: 'smtp_554_5.7.1' },
    ],
    ['554 to DATA is rejected', reply('data', '554 5.5.1 Error: no valid recipients'), { kind: 'rejected' }],
    [
      '552 to MAIL FROM (SIZE) is rejected',
      reply('mail', '552 5.3.4 Message size exceeds fixed limit'),
      { kind: 'rejected' },
    ],
    [
      '550 5.7.1 sender refused at MAIL FROM opens the circuit',
      reply('mail', '550 5.7.1 Sender address rejected: not owned by user'),
      { kind: 'circuit' },
    ],
    [
      '554 greeting (blocklisted) opens the circuit',
      reply('connect', '554 5.7.1 Service unavailable; client host blocked'),
      { kind: 'circuit' },
    ],
    [
      '5xx to STARTTLS when TLS is required opens the circuit',
      reply('connect', '502 5.5.1 Error: command not implemented'),
      { kind: 'circuit' },
    ],
  ];

  it.each(rows)('%s', (_name, answer, expected) => {
    expect(classifySmtpAnswer(answer)).toMatchObject(expected);
  });

  it('documents every row', () => {
    for (const row of SMTP_ANSWERS) expect(row.answer.length).toBeGreaterThan(40);
  });

  it('puts the stage and the server text in the detail', () => {
    expect(classifySmtpAnswer(reply('rcpt', '550 5.1.1 <a@b.jp>: User unknown'))).toMatchObject({
      detail: 'RCPT TO: 550 5.1.1 <a@b.jp>: User unknown',
    });
  });
});

describe('reading nodemailer errors', () => {
  it('reads the reply code and the enhanced code of the first line', () => {
    expect(parseReply('550-5.1.1 The email account does not exist.\r\n550 5.1.1 Try again')).toEqual({
      reply: 550,
      enhanced: '5.1.1',
    });
    expect(parseReply('421 Service not available')).toEqual({ reply: 421, enhanced: null });
    expect(parseReply('Connection closed')).toEqual({ reply: null, enhanced: null });
  });

  it('takes the stage from the command nodemailer names', () => {
    const rcpt = answerFromError('envelope', {
      code: 'EENVELOPE',
      command: 'RCPT TO',
      response: '550 5.1.1 User unknown',
      responseCode: 550,
    });
    expect(rcpt).toMatchObject({ stage: 'rcpt', reply: 550, enhanced: '5.1.1', network: null });
    const message = answerFromError('message', {
      code: 'EMESSAGE',
      command: 'DATA',
      response: '554 5.7.1 Spam',
    });
    expect(message.stage).toBe('message');
    const data = answerFromError('envelope', {
      code: 'EENVELOPE',
      command: 'DATA',
      response: '554 No valid recipients',
    });
    expect(data.stage).toBe('data');
  });

  it('finds the system error behind a socket failure', () => {
    const refused = answerFromError('connect', {
      code: 'ESOCKET',
      errno: -111,
      command: 'CONN',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(refused).toMatchObject({ network: 'ECONNREFUSED', reply: null });
    const closed = answerFromError('message', {
      code: 'ECONNECTION',
      command: 'CONN',
      message: 'Connection closed unexpectedly',
    });
    expect(closed).toMatchObject({ stage: 'message', network: 'ECONNECTION' });
  });

  it('treats a refusal by the client itself as no network failure', () => {
    expect(
      answerFromError('auth', { code: 'EAUTH', command: 'API', message: 'Missing credentials' }),
    ).toMatchObject({
      stage: 'auth',
      network: null,
    });
  });
});
