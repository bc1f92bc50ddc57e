import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHANNELS } from '../../core/channels.js';
import { purposeClass } from '../../core/purposes.js';
import type { AppDeps } from '../create-app.js';

const PurposeView = z.object({
  name: z.string(),
  label: z.object({ ja: z.string(), en: z.string() }),
  class: z.enum(['transactional', 'promotional']),
  channels: z.array(z.enum(CHANNELS)),
  promotional: z.boolean(),
  consentRequired: z
    .boolean()
    .meta({ description: 'SMS and e-mail need to.optedInAt: the recipient opted in to these messages' }),
  window: z.object({ start: z.string(), end: z.string(), skipHolidays: z.boolean() }).nullable().meta({
    description: "Hours steps may send, in the recipient's time zone (default Asia/Tokyo); null: any hour",
  }),
  critical: z.boolean().meta({ description: 'Sends at any hour, ignoring the window' }),
});

/** GET /v1/purposes: the configured purposes and what each allows. */
export const purposeRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/v1/purposes',
    {
      schema: {
        summary: 'The purposes messages may declare, with their channels, consent needs and send windows',
        security: [{ bearer: [] }],
        response: { 200: z.object({ items: z.array(PurposeView) }) },
      },
    },
    async () => ({
      items: Object.values(deps.config.purposes).map((p) => ({
        name: p.name,
        label: p.label,
        class: purposeClass(p),
        channels: [...p.channels],
        promotional: p.promotional,
        consentRequired: p.consentRequired,
        window: p.window,
        critical: p.critical,
      })),
    }),
  );
};
