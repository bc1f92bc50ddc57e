import { Command } from 'commander';
import { runStandaloneSandbox } from '../sandbox/index.js';
import { SANDBOX_LINE, SANDBOX_TWILIO } from '../runtime/sandbox-accounts.js';

interface SandboxCliOptions {
  port: string;
  linePort: string;
  twilioPort: string;
  karadenPort: string;
  vonagePort: string;
  smtpPort: string;
  dataDir: string;
  lineWebhookUrl?: string;
  lineToken: string;
  lineSecret: string;
  twilioSid: string;
  twilioToken: string;
}

/** `todoke sandbox`: the provider emulators alone, so other systems can rehearse against them. */
export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description(
      'run the LINE, Twilio, 空電プッシュ (Karaden), Vonage and SMTP emulators and their control API on their own',
    )
    .option('--port <port>', 'control API port (/__sandbox/…)', '8090')
    .option('--line-port <port>', 'LINE emulator port', '8091')
    .option('--twilio-port <port>', 'Twilio emulator port', '8092')
    .option('--karaden-port <port>', '空電プッシュ (Karaden) emulator port', '8093')
    .option('--vonage-port <port>', 'Vonage emulator port', '8094')
    .option('--smtp-port <port>', 'SMTP emulator port', '2525')
    .option('--data-dir <dir>', 'where settings, ledger and pending webhooks are kept', './data/sandbox')
    .option(
      '--line-webhook-url <url>',
      'where LINE delivery events go, e.g. http://127.0.0.1:8080/webhooks/line/line-main',
    )
    .option(
      '--line-token <token>',
      'channel access token the LINE emulator accepts',
      SANDBOX_LINE.accessToken,
    )
    .option(
      '--line-secret <secret>',
      'channel secret the LINE emulator signs webhooks with',
      SANDBOX_LINE.channelSecret,
    )
    .option('--twilio-sid <sid>', 'Account SID the Twilio emulator accepts', SANDBOX_TWILIO.accountSid)
    .option(
      '--twilio-token <token>',
      'auth token the Twilio emulator accepts and signs callbacks with',
      SANDBOX_TWILIO.authToken,
    )
    .action(async (o: SandboxCliOptions) => {
      const sandbox = await runStandaloneSandbox({
        dataDir: o.dataDir,
        controlPort: Number(o.port),
        linePort: Number(o.linePort),
        twilioPort: Number(o.twilioPort),
        karadenPort: Number(o.karadenPort),
        vonagePort: Number(o.vonagePort),
        smtpPort: Number(o.smtpPort),
      });
      if (o.lineWebhookUrl) {
        sandbox.configureLineChannel({
          accessToken: o.lineToken,
          channelSecret: o.lineSecret,
          webhookUrl: o.lineWebhookUrl,
        });
      }
      sandbox.configureTwilioAccount({ accountSid: o.twilioSid, authToken: o.twilioToken });
      console.log(
        [
          `todoke sandbox — control ${sandbox.controlUrl}/__sandbox/`,
          `  LINE   ${sandbox.lineBaseUrl}`,
          `  Twilio ${sandbox.twilioBaseUrl}`,
          `  Karaden ${sandbox.karadenBaseUrl}`,
          `  Vonage ${sandbox.vonageBaseUrl}`,
          `  SMTP   ${sandbox.smtpUrl}`,
        ].join('\n'),
      );
      const stop = () => void sandbox.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
}
