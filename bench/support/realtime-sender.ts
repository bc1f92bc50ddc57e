import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SenderSpec {
  url: string;
  apiKey: string;
  ratePerSecond: number;
  /** Texts are `${label} ${i}`, so each message is found again in the emulator's ledger. */
  label: string;
  /** Phone numbers start here (distinct from the backlog's). */
  firstPhone: number;
}

export interface SentMessage {
  text: string;
  /** Date.now() when the request left. */
  sentAt: number;
  /** Date.now() when the answer came back, and its status (0: no answer). */
  answeredAt: number;
  status: number;
}

export type SenderCommand = { type: 'start'; spec: SenderSpec } | { type: 'stop' };
export type SenderEvent = { type: 'ready' } | { type: 'report'; sent: SentMessage[] };

const CHILD = fileURLToPath(new URL('./realtime-sender-child.ts', import.meta.url));

/**
 * A child process that sends realtime messages at a steady rate through POST /v1/messages, stamping each one as
 * it leaves: outside todoke's event loop, so a busy server cannot delay the stamps. Reusable for several runs.
 */
export class RealtimeSender {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<RealtimeSender> {
    const child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`realtime sender exited with ${code}`)));
    });
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
    return new RealtimeSender(child);
  }

  begin(spec: SenderSpec): void {
    this.child.send({ type: 'start', spec } satisfies SenderCommand);
  }

  /** Stops sending and returns every message sent since begin(), once all were answered (bounded). */
  end(): Promise<SentMessage[]> {
    return new Promise((resolve, reject) => {
      const limit = setTimeout(() => reject(new Error('realtime sender did not report')), 30_000);
      this.child.once('message', (event: SenderEvent) => {
        clearTimeout(limit);
        if (event.type === 'report') resolve(event.sent);
        else reject(new Error(`unexpected ${event.type} from the realtime sender`));
      });
      this.child.send({ type: 'stop' } satisfies SenderCommand);
    });
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
    this.child.kill();
  }
}
