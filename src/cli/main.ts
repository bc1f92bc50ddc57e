import { Command } from 'commander';
import { ConfigError } from '../config/load-config.js';
import { campaignCommand } from './campaign.js';
import { contactsCommand } from './contacts.js';
import { keysCommand } from './keys.js';
import { sandboxCommand } from './sandbox.js';
import { segmentsCommand } from './segments.js';
import { startCommand } from './start.js';
import { describeFailure } from './describe-failure.js';

const program = new Command('todoke')
  .description('届け todoke: transactional notifications for Japan — LINE, SMS and e-mail with fallback')
  .version('0.1.0');
program.addCommand(startCommand());
program.addCommand(sandboxCommand());
program.addCommand(keysCommand());
program.addCommand(campaignCommand());
program.addCommand(contactsCommand());
program.addCommand(segmentsCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(
      `設定に誤りがあります / The configuration is not valid:\n  - ${error.problems.join('\n  - ')}`,
    );
  } else {
    console.error(describeFailure(error));
    // The stack is for whoever debugs todoke itself; an operator gets the description above.
    if (/^(debug|trace)$/.test(process.env.TODOKE_LOG_LEVEL ?? '') && error instanceof Error)
      console.error(error.stack);
  }
  process.exit(1);
});
