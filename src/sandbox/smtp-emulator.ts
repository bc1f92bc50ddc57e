import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import {
  EmailAddressBook,
  type EmailAddressSettings,
  type EmailAddressUpdate,
} from './smtp-address-settings.js';
import { BouncePoster, composeBounce } from './smtp-bounce.js';
import { SmtpFaultQueue, type SmtpFault } from './smtp-faults.js';
import { readReceivedMail } from './smtp-received-mail.js';

/** An account the emulator takes AUTH PLAIN / LOGIN for, and where bounces of its mail go. */
export interface SmtpSandboxAccount {
  user: string;
  password: string;
  /** e.g. `${publicUrl}/webhooks/email/email-sandbox`; without it, bounces of this account's mail are dropped. */
  bounceUrl?: string;
  /** The account's webhookToken: bounces are signed with it. */
  bounceToken?: string;
}

/** One e-mail as it reached a person: the ledger's shape, with the subject apart. */
export interface EmailLedgerItem {
  channel: 'email';
  provider: 'email';
  /** The address, lowercased. */
  to: string;
  subject: string;
  text: string;
  /** When it reached the mailbox (ISO 8601). */
  at: string;
  /** The Message-ID, `<attemptId@domain>` for todoke's mail. */
  attemptRef: string;
}

export interface SmtpEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  accounts?: SmtpSandboxAccount[];
  /** Called for each mail that reached a mailbox; the sandbox writes it to its ledger. */
  onDelivered?: (item: EmailLedgerItem) => void;
  /** The emulator's host name in its greeting and its bounces. */
  hostname?: string;
}

export interface SmtpEmulator {
  port: number;
  /** smtp://127.0.0.1:PORT: an e-mail account's baseUrl (with `starttls: never`: the sandbox has no TLS). */
  url: string;
  configureAccount(account: SmtpSandboxAccount): void;
  /** Merges the given fields into the address's settings; returns the effective settings. */
  setAddress(address: string, update: EmailAddressUpdate): EmailAddressSettings;
  getAddress(address: string): EmailAddressSettings;
  /** Adds a request fault (smtp-faults.ts); throws a ZodError on a bad one. */
  addFault(fault: SmtpFault): void;
  clearFaults(): void;
  /** Most connections open at one time since the start. */
  peakConnections(): number;
  close(): Promise<void>;
}

type Rcpt = { address: string; dsn?: { orcpt?: string } };
type Envelope = {
  mailFrom: { address: string } | false;
  rcptTo: Rcpt[];
  dsn?: { envid?: string | null; ret?: string | null };
};

const smtpError = (responseCode: number, message: string) =>
  Object.assign(new Error(message), { responseCode });

/** Starts an SMTP server on loopback that behaves per recipient address as set, for the e-mail provider. */
export async function startSmtpEmulator(options: SmtpEmulatorOptions = {}): Promise<SmtpEmulator> {
  const host = options.host ?? '127.0.0.1';
  const hostname = options.hostname ?? 'smtp.sandbox.todoke.invalid';
  const accounts = new Map((options.accounts ?? []).map((a) => [a.user, a]));
  const addresses = new EmailAddressBook();
  const bounces = new BouncePoster();
  const faults = new SmtpFaultQueue();
  const sockets = new Map<number, Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let peak = 0;

  const deliver = (session: SMTPServerSession, raw: Buffer) => {
    const mail = readReceivedMail(raw);
    const envelope = session.envelope as unknown as Envelope;
    const account = accounts.get(String(session.user ?? ''));
    for (const rcpt of envelope.rcptTo) {
      const settings = addresses.get(rcpt.address);
      if (settings.email !== 'bounce_later') {
        options.onDelivered?.({
          channel: 'email',
          provider: 'email',
          to: rcpt.address.toLowerCase(),
          subject: mail.subject,
          text: mail.text,
          at: new Date().toISOString(),
          attemptRef: mail.messageId,
        });
        continue;
      }
      // No bounce for mail sent with the null sender (MAIL FROM:<>), nor for an account without a webhook.
      if (!envelope.mailFrom || envelope.mailFrom.address === '') continue;
      if (!account?.bounceUrl || !account.bounceToken) continue;
      const arrivedAt = new Date();
      const bounce = composeBounce({
        reportingMta: hostname,
        envelopeFrom: envelope.mailFrom.address,
        recipient: rcpt.address,
        originalRecipient: rcpt.dsn?.orcpt ?? null,
        envelopeId: envelope.dsn?.envid ?? null,
        returnFull: envelope.dsn?.ret === 'FULL',
        original: raw,
        originalHeaders: mail.headerBlock,
        arrivedAt,
        failedAt: new Date(arrivedAt.getTime() + settings.emailDelayMs),
      });
      bounces.schedule({ url: account.bounceUrl, token: account.bounceToken }, bounce, settings.emailDelayMs);
    }
  };

  const server = new SMTPServer({
    name: hostname,
    banner: 'todoke sandbox',
    secure: false,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    // The replies below carry their own enhanced status codes, as a real server's would.
    hideENHANCEDSTATUSCODES: true,
    // DSN (RFC 3461): ENVID, RET, NOTIFY and ORCPT are taken and come back in bounces.
    hideDSN: false,
    size: 10 * 1024 * 1024,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      const account = auth.username === undefined ? undefined : accounts.get(auth.username);
      if (account === undefined || auth.password !== account.password) {
        callback(smtpError(535, '5.7.8 Error: authentication failed: authentication failure'));
        return;
      }
      callback(null, { user: account.user });
    },
    onMailFrom(_address, session, callback) {
      const fault = faults.take('mail_from');
      const socket = sockets.get(session.remotePort);
      if (fault?.kind === 'reset') {
        socket?.resetAndDestroy();
        return;
      }
      if (fault?.kind === '421') {
        callback(smtpError(421, '4.7.0 Too many connections, try again later: closing connection'));
        setImmediate(() => socket?.end());
        return;
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const { email } = addresses.get(address.address);
      if (email === 'unknown_user') {
        callback(
          smtpError(
            550,
            `5.1.1 <${address.address}>: Recipient address rejected: User unknown in virtual mailbox table`,
          ),
        );
      } else if (email === 'mailbox_full') {
        callback(smtpError(452, `4.2.2 <${address.address}>: Recipient address rejected: Mailbox full`));
      } else callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const fault = faults.take('end_of_data');
        if (fault?.kind === 'spam_rejected') {
          callback(smtpError(554, '5.7.1 Message rejected: content refused as spam'));
          return;
        }
        deliver(session, Buffer.concat(chunks));
        const reply = `2.0.0 Ok: queued as ${randomBytes(5).toString('hex').toUpperCase()}`;
        const socket = sockets.get(session.remotePort);
        if (fault?.kind === 'drop_after_data') {
          socket?.destroy();
        } else if (fault?.kind === 'slow') {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (socket !== undefined && !socket.destroyed) callback(null, reply);
          }, fault.delayMs);
          timers.add(timer);
        } else callback(null, reply);
      });
    },
  });
  server.on('error', () => {
    // A client's broken connection: nothing to do, the server goes on.
  });
  // Sessions know their client's port; on loopback that finds the socket to cut for a fault.
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    sockets.set(port, socket);
    peak = Math.max(peak, sockets.size);
    socket.once('close', () => sockets.delete(port));
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `smtp://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`,
    configureAccount: (account) => void accounts.set(account.user, { ...account }),
    setAddress: (address, update) => addresses.set(address, update),
    getAddress: (address) => addresses.get(address),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    peakConnections: () => peak,
    close() {
      closing ??= new Promise<void>((resolve) => {
        bounces.close();
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        // Clients may keep pooled connections open: cut them rather than wait for them.
        for (const socket of sockets.values()) socket.destroy();
      });
      return closing;
    },
  };
}
