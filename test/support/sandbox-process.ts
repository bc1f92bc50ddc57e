import { join } from 'node:path';
import { freePort } from './free-port.js';
import { exited, spawnTodoke, waitUntilUp } from './processes.js';

export interface SandboxProcess {
  /** http://127.0.0.1:PORT — the control API is under /__sandbox/ here. */
  controlUrl: string;
  lineBaseUrl: string;
  twilioBaseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * `todoke sandbox` in its own process, as beside api and worker processes: LINE delivery events go to
 * `lineWebhookUrl` (an api process), Twilio callbacks to the URL each request names.
 */
export async function startSandboxProcess(o: {
  dir: string;
  lineWebhookUrl: string;
  logFile?: string;
}): Promise<SandboxProcess> {
  const [controlPort, linePort, twilioPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawnTodoke(
    [
      'sandbox',
      ...[
        '--port',
        String(controlPort),
        '--line-port',
        String(linePort),
        '--twilio-port',
        String(twilioPort),
        // Emulators these tests do not use: any free port, so parallel runs never collide on the defaults.
        ...['--karaden-port', '0', '--vonage-port', '0', '--smtp-port', '0'],
      ],
      ...['--data-dir', join(o.dir, 'sandbox'), '--line-webhook-url', o.lineWebhookUrl],
    ],
    {},
    o.logFile ? { logFile: o.logFile } : {},
  );
  const controlUrl = `http://127.0.0.1:${controlPort}`;
  try {
    await waitUntilUp(`${controlUrl}/__sandbox/ledger?limit=1`, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`the sandbox did not start:\n${child.output()}`, { cause: error });
  }
  return {
    controlUrl,
    lineBaseUrl: `http://127.0.0.1:${linePort}`,
    twilioBaseUrl: `http://127.0.0.1:${twilioPort}`,
    output: () => child.output(),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
