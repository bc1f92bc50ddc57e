import Fastify from 'fastify';
import { baseUrl, startSandbox, type Sandbox, type SandboxOptions } from './start-sandbox.js';

/**
 * `todoke sandbox`: the emulators plus the control API on its own port (`controlPort`, 0 for a free one).
 * Returns once everything listens; close() stops the control server too.
 */
export async function runStandaloneSandbox(
  o: SandboxOptions & { controlPort: number },
): Promise<Sandbox & { controlUrl: string }> {
  const sandbox = await startSandbox(o);
  const host = o.host ?? '127.0.0.1';
  const control = Fastify({ logger: false });
  control.get('/', async () => ({
    line: sandbox.lineBaseUrl,
    twilio: sandbox.twilioBaseUrl,
    karaden: sandbox.karadenBaseUrl,
    vonage: sandbox.vonageBaseUrl,
    control: '/__sandbox/',
  }));
  try {
    await control.register(sandbox.controlPlugin);
    await control.listen({ host, port: o.controlPort });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  return {
    ...sandbox,
    controlUrl: baseUrl(control, host),
    async close() {
      await control.close();
      await sandbox.close();
    },
  };
}
