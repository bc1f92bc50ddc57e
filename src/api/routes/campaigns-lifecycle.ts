import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  approve,
  cancel,
  pause,
  reopen,
  requestApproval,
  resume,
  start,
  updateDraft,
} from '../../campaigns/campaign-actions.js';
import type { CampaignDeps } from '../../campaigns/campaign-deps.js';
import { validateCampaign } from '../../campaigns/validate-campaign.js';
import type { CampaignRecord } from '../../store/campaign-records.js';
import {
  ActionBody,
  CampaignParams,
  CampaignView,
  MappingBody,
  UpdateCampaignBody,
  campaignView,
} from './campaigns-body.js';

type Action = (
  deps: CampaignDeps,
  id: string,
  actor: string | null,
  version?: number,
) => Promise<CampaignRecord>;

const ACTIONS: { path: string; summary: string; description: string; run: Action }[] = [
  {
    path: 'validate',
    summary: 'Validate the recipients (draft → validated)',
    description:
      'Applies exclusions (duplicates, exclusion lists, earlier campaigns, opt-outs), prepares every message as it will be sent, and stores the report with counts by reason, recipients by first route step and the cost estimate.',
    run: (deps, id, actor) => validateCampaign(deps, id, actor),
  },
  {
    path: 'request-approval',
    summary: 'Ask a second operator to approve (validated → pending_approval)',
    description: 'Give `version` to be sure the request is for the report you reviewed.',
    run: requestApproval,
  },
  {
    path: 'reopen',
    summary: 'Back to draft (validated or pending_approval → draft)',
    description: 'Discards the validation and any request for approval, to change the list or options.',
    run: (deps, id, actor) => reopen(deps, id, actor),
  },
  {
    path: 'approve',
    summary: 'Approve (pending_approval → approved), by another operator than the preparer',
    description:
      'Refused with 403 same_approver for the API key that created the campaign, uploaded its list or asked for approval. Give `version` to approve exactly what you reviewed.',
    run: approve,
  },
  {
    path: 'start',
    summary: 'Start (approved → scheduled → running at startAt)',
    description: 'Messages are created at the throttle rate inside the send window.',
    run: (deps, id, actor) => start(deps, id, actor),
  },
  {
    path: 'pause',
    summary: 'Pause (running → paused)',
    description: 'No new messages; messages not yet tried are held until resumed.',
    run: (deps, id, actor) => pause(deps, id, actor),
  },
  {
    path: 'resume',
    summary: 'Resume (paused → running)',
    description: 'Held messages are due again at once; new ones follow at the throttle rate.',
    run: (deps, id, actor) => resume(deps, id, actor),
  },
  {
    path: 'cancel',
    summary: 'Cancel (any status that is not final → canceled)',
    description:
      'Messages not yet sent are canceled within seconds; an attempt already in flight may still be delivered and is recorded.',
    run: (deps, id, actor) => cancel(deps, id, actor),
  },
];

/** Lifecycle actions and draft edits of a campaign. */
export const campaignLifecycleRoutes: FastifyPluginAsyncZod<{ deps: CampaignDeps }> = async (
  app,
  { deps },
) => {
  for (const action of ACTIONS) {
    app.post(
      `/v1/campaigns/:id/${action.path}`,
      {
        schema: {
          summary: action.summary,
          description: action.description,
          security: [{ bearer: [] }],
          params: CampaignParams,
          body: ActionBody,
          response: { 200: CampaignView },
        },
      },
      async (request) => {
        const campaign = await action.run(
          deps,
          request.params.id,
          request.apiKey?.id ?? null,
          request.body?.version,
        );
        return campaignView(campaign);
      },
    );
  }

  app.patch(
    '/v1/campaigns/:id',
    {
      schema: {
        summary: 'Change a draft: name, options, exclusions',
        security: [{ bearer: [] }],
        params: CampaignParams,
        body: UpdateCampaignBody,
        response: { 200: CampaignView },
      },
    },
    async (request) =>
      campaignView(await updateDraft(deps, request.params.id, request.body, request.apiKey?.id ?? null)),
  );

  app.put(
    '/v1/campaigns/:id/mapping',
    {
      schema: {
        summary: 'Confirm the column mapping used by the next upload (draft)',
        description: 'Header → target; null goes back to the suggested mapping.',
        security: [{ bearer: [] }],
        params: CampaignParams,
        body: MappingBody,
        response: { 200: CampaignView },
      },
    },
    async (request) =>
      campaignView(
        await updateDraft(
          deps,
          request.params.id,
          { mapping: request.body.mapping },
          request.apiKey?.id ?? null,
        ),
      ),
  );
};
