import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { describe, problem } from './problem.js';
import { emailAddressUpdateSchema } from './smtp-address-settings.js';
import type { SmtpEmulator } from './smtp-emulator.js';
import { smtpFaultSchema } from './smtp-faults.js';

const addressParams = z.object({ address: z.email() });

/**
 * Control routes of the e-mail emulator: what the SMTP server does with mail to an address
 * (`PUT/GET /__sandbox/email/addresses/{address}`) and SMTP faults (`POST/DELETE /__sandbox/email/faults`).
 */
export function emailRoutes(
  smtp: Pick<SmtpEmulator, 'setAddress' | 'getAddress' | 'addFault' | 'clearFaults'>,
): FastifyPluginAsync {
  return async (app) => {
    app.put<{ Params: { address: string } }>('/__sandbox/email/addresses/:address', async (req, reply) => {
      const params = addressParams.safeParse(req.params);
      if (!params.success) return problem(reply, 400, 'invalid_address', describe(params.error));
      const body = emailAddressUpdateSchema.safeParse(req.body ?? {});
      if (!body.success) return problem(reply, 400, 'invalid_settings', describe(body.error));
      return { address: params.data.address, ...smtp.setAddress(params.data.address, body.data) };
    });

    app.get<{ Params: { address: string } }>('/__sandbox/email/addresses/:address', async (req, reply) => {
      const params = addressParams.safeParse(req.params);
      if (!params.success) return problem(reply, 400, 'invalid_address', describe(params.error));
      return { address: params.data.address, ...smtp.getAddress(params.data.address) };
    });

    app.post('/__sandbox/email/faults', async (req, reply) => {
      const fault = smtpFaultSchema.safeParse(req.body ?? {});
      if (!fault.success) return problem(reply, 400, 'invalid_fault', describe(fault.error));
      smtp.addFault(fault.data);
      return reply.code(201).send(fault.data);
    });

    app.delete('/__sandbox/email/faults', async (_req, reply) => {
      smtp.clearFaults();
      return reply.code(204).send();
    });
  };
}
