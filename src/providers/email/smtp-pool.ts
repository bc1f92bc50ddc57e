import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { answerFromError, type SmtpAnswer, type SmtpClientError } from './errors.js';

export type Transmission = { ok: true; response: string } | { ok: false; answer: SmtpAnswer };

export interface SmtpPoolOptions {
  connection: SMTPConnection.Options;
  credentials: SMTPConnection.Credentials | null;
  /** Connections open at once; more senders wait for one to come free. */
  maxConnections: number;
  /** Messages per connection before it is closed and a new one opened (servers cap this, often at 100). */
  maxMessagesPerConnection: number;
}

interface Link {
  connection: SMTPConnection;
  state: 'connecting' | 'idle' | 'busy' | 'retiring';
  messages: number;
  /** Set while something waits on the connection: its failure ends that wait. */
  fail: ((error: SmtpClientError) => void) | null;
}

type Acquired = { link: Link; reused: boolean } | { answer: SmtpAnswer };

const CLOSED: SmtpAnswer = {
  stage: 'connect',
  reply: null,
  enhanced: null,
  text: 'the client was closed before sending',
  network: 'ECLIENTCLOSED',
};

/**
 * SMTP connections kept open between messages, on nodemailer's SMTP client. nodemailer's own pool reports every
 * socket failure alike ("ECONNECTION"), so it cannot tell a connection lost during the envelope (nothing taken:
 * send again) from one lost after the message was handed over (maybe queued: unknown). This pool knows which,
 * because it hands the message body over itself: nodemailer reads it only once the server answered DATA with 354.
 */
export class SmtpPool {
  private readonly links = new Set<Link>();
  private readonly idle: Link[] = [];
  private readonly waiters: Array<() => void> = [];
  /** Links that count against maxConnections: every link not retiring. */
  private active = 0;
  private closed = false;
  private drained: (() => void) | null = null;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: SmtpPoolOptions) {}

  /** Sends one message; the answer says how far it got. `onWritten`: called as the transaction starts. */
  async send(envelope: SMTPConnection.Envelope, raw: Buffer, onWritten?: () => void): Promise<Transmission> {
    let acquired = await this.acquire(false);
    if ('answer' in acquired) return { ok: false, answer: acquired.answer };
    onWritten?.();
    let result = await this.transmit(acquired.link, envelope, raw);
    if (
      !result.ok &&
      acquired.reused &&
      result.answer.network !== null &&
      result.answer.stage === 'envelope'
    ) {
      // A kept connection the server had closed while it sat idle: nothing was sent. Once more on a fresh one.
      acquired = await this.acquire(true);
      if ('answer' in acquired) return { ok: false, answer: acquired.answer };
      result = await this.transmit(acquired.link, envelope, raw);
    }
    return result;
  }

  /** Ends idle connections with QUIT, fails senders still waiting, and resolves once every connection closed. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      this.closed = true;
      this.drained = resolve;
      for (const wake of this.waiters.splice(0)) wake();
      for (const link of this.idle.splice(0)) this.retire(link);
      if (this.links.size === 0) resolve();
    });
    return this.closing;
  }

  private async acquire(fresh: boolean): Promise<Acquired> {
    for (;;) {
      if (this.closed) return { answer: CLOSED };
      if (!fresh) {
        // Most recently used first: the least likely to have been closed by the server meanwhile.
        const link = this.idle.pop();
        if (link !== undefined) {
          link.state = 'busy';
          return { link, reused: true };
        }
      }
      if (this.active < this.options.maxConnections) return this.open();
      if (fresh && this.idle.length > 0) {
        this.retire(this.idle.shift()!);
        continue;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Opens a connection (greeting, EHLO, STARTTLS) and logs in when the account has credentials. */
  private open(): Promise<Acquired> {
    const connection = new SMTPConnection(this.options.connection);
    const link: Link = { connection, state: 'connecting', messages: 0, fail: null };
    this.links.add(link);
    this.active++;
    return new Promise((resolve) => {
      let stage: 'connect' | 'auth' = 'connect';
      link.fail = (error) => resolve({ answer: answerFromError(stage, error) });
      this.watch(link);
      connection.connect(() => {
        const credentials = this.options.credentials;
        if (credentials === null) {
          link.fail = null;
          link.state = 'busy';
          resolve({ link, reused: false });
          return;
        }
        stage = 'auth';
        connection.login(credentials, (error) => {
          if (link.fail === null) return; // the connection failed first and already answered
          link.fail = null;
          if (error) {
            this.retire(link);
            resolve({ answer: answerFromError('auth', error) });
            return;
          }
          link.state = 'busy';
          resolve({ link, reused: false });
        });
      });
    });
  }

  private transmit(link: Link, envelope: SMTPConnection.Envelope, raw: Buffer): Promise<Transmission> {
    return new Promise((resolve) => {
      let handedOver = false;
      // nodemailer pipes the body only after DATA got its 354: the first read marks the point of no return.
      const body = new Readable({
        read() {
          if (handedOver) return;
          handedOver = true;
          this.push(raw);
          this.push(null);
        },
      });
      const stage = () => (handedOver ? 'message' : 'envelope');
      link.fail = (error) => resolve({ ok: false, answer: answerFromError(stage(), error) });
      link.messages++;
      link.connection.send(envelope, body, (error, info) => {
        if (link.fail === null) return;
        link.fail = null;
        if (error) {
          const answer = answerFromError(stage(), error);
          resolve({ ok: false, answer });
          // The server refused this transaction but the connection is fine: reset it for the next message.
          if (answer.reply !== null && answer.reply !== 421) this.reset(link);
          else this.retire(link);
          return;
        }
        resolve({ ok: true, response: info.response });
        this.release(link);
      });
    });
  }

  private reset(link: Link): void {
    link.fail = () => undefined;
    link.connection.reset((error) => {
      if (link.fail === null) return;
      link.fail = null;
      if (error) this.retire(link);
      else this.release(link);
    });
  }

  private release(link: Link): void {
    if (link.state !== 'busy') return;
    if (this.closed || link.messages >= this.options.maxMessagesPerConnection) {
      this.retire(link);
      return;
    }
    link.state = 'idle';
    this.idle.push(link);
    this.waiters.shift()?.();
  }

  /** Stops counting the link and closes it politely (QUIT); it leaves the set when its socket has closed. */
  private retire(link: Link): void {
    if (link.state === 'retiring') return;
    link.state = 'retiring';
    this.active--;
    this.waiters.shift()?.();
    try {
      link.connection.quit();
    } catch {
      link.connection.close();
    }
  }

  /** A connection's failure answers whoever waits on it; its end frees its place in the pool. */
  private watch(link: Link): void {
    link.connection.on('error', (error: SmtpClientError) => {
      const fail = link.fail;
      link.fail = null;
      fail?.(error);
    });
    link.connection.on('end', () => {
      const fail = link.fail;
      link.fail = null;
      fail?.({ code: 'ECONNECTION', message: 'connection closed' });
      const at = this.idle.indexOf(link);
      if (at >= 0) this.idle.splice(at, 1);
      if (link.state !== 'retiring') {
        link.state = 'retiring';
        this.active--;
        this.waiters.shift()?.();
      }
      this.links.delete(link);
      if (this.closed && this.links.size === 0) this.drained?.();
    });
  }
}
