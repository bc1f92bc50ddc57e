import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PurposePolicy } from '../../core/purposes.js';
import { compileTemplate, type TemplateSource } from '../../core/templates/index.js';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../create-app.js';
import {
  CreateTemplateBody,
  PreviewBody,
  TemplateDetailView,
  TemplateParams,
  TemplateVersionBody,
  TemplateVersionParams,
  TemplateVersionView,
  TemplateView,
  templateVersionView,
  templateView,
} from '../template-body.js';
import { previewTemplate } from '../template-preview.js';
import { templateNotFound, type TemplateResolver } from '../template-resolver.js';

function purposeOf(deps: AppDeps, name: string | null | undefined): PurposePolicy | null {
  if (name === null || name === undefined) return null;
  const policy = Object.hasOwn(deps.config.purposes, name) ? deps.config.purposes[name] : undefined;
  if (policy) return policy;
  throw new ApiError(
    422,
    'unknown_purpose',
    `用途 "${name}" は設定されていません / The purpose "${name}" is not configured (allowed: ${Object.keys(deps.config.purposes).join(', ')})`,
  );
}

/** A version's source, checked: every text parses (strict filters), and the purpose allows its channels. */
function checkedSource(
  body: z.output<typeof TemplateVersionBody>,
  policy: PurposePolicy | null,
): TemplateSource {
  const source: TemplateSource = { channels: body.channels };
  if (body.optionalVariables) source.optionalVariables = body.optionalVariables;
  const compiled = compileTemplate(source);
  if (!compiled.ok) {
    const first = compiled.problems[0]!;
    throw new ApiError(
      422,
      'invalid_template',
      `テンプレートを読めません / The template does not parse (${first.field}): ${first.message}`,
      { problems: compiled.problems },
    );
  }
  if (policy?.promotional && body.channels.line_pnp) {
    throw new ApiError(
      422,
      'channel_not_allowed',
      `販促の用途では LINE 通知メッセージを使えません / The purpose "${policy.name}" is promotional: LINE forbids it in notification messages (line_pnp)`,
      { channel: 'line_pnp' },
    );
  }
  return source;
}

/** Templates: create, list, read, add versions, preview. */
export const templateRoutes: FastifyPluginAsyncZod<{ deps: AppDeps; templates: TemplateResolver }> = async (
  app,
  { deps, templates },
) => {
  const { store } = deps;

  async function found(idOrName: string) {
    const template = await templates.find(idOrName);
    if (!template) throw templateNotFound(idOrName);
    return template;
  }

  app.post(
    '/v1/templates',
    {
      schema: {
        summary: 'Create a template with its first version',
        security: [{ bearer: [] }],
        body: CreateTemplateBody,
        response: { 201: TemplateDetailView },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const source = checkedSource(body, purposeOf(deps, body.purpose));
      const now = deps.clock.now();
      const template = {
        id: deps.newId(),
        name: body.name,
        description: body.description ?? null,
        purpose: body.purpose ?? null,
        latestVersion: 1,
        createdAt: now,
        updatedAt: now,
      };
      const first = { templateId: template.id, version: 1, source, createdAt: now };
      if (!(await store.createTemplate(template, first))) {
        throw new ApiError(
          409,
          'template_name_taken',
          `テンプレート名 "${body.name}" は使われています / A template named "${body.name}" exists: add a version to it instead`,
        );
      }
      return reply.code(201).send({
        ...templateView(template),
        latest: templateVersionView(first),
        versions: [{ version: 1, createdAt: new Date(now).toISOString() }],
      });
    },
  );

  app.get(
    '/v1/templates',
    {
      schema: {
        summary: 'Templates, by name',
        security: [{ bearer: [] }],
        response: { 200: z.object({ items: z.array(TemplateView) }) },
      },
    },
    async () => ({ items: (await store.listTemplates()).map(templateView) }),
  );

  app.get(
    '/v1/templates/:id',
    {
      schema: {
        summary: 'A template (by id or name) with its latest version and the list of versions',
        security: [{ bearer: [] }],
        params: TemplateParams,
        response: { 200: TemplateDetailView },
      },
    },
    async (request) => {
      const template = await found(request.params.id);
      const versions = await store.listTemplateVersions(template.id);
      const latest = versions.find((v) => v.version === template.latestVersion) ?? versions.at(-1)!;
      return {
        ...templateView(template),
        latest: templateVersionView(latest),
        versions: versions.map((v) => ({
          version: v.version,
          createdAt: new Date(v.createdAt).toISOString(),
        })),
      };
    },
  );

  app.get(
    '/v1/templates/:id/versions/:version',
    {
      schema: {
        summary: 'One version of a template',
        security: [{ bearer: [] }],
        params: TemplateVersionParams,
        response: { 200: TemplateVersionView },
      },
    },
    async (request) => {
      const template = await found(request.params.id);
      const { version } = await templates.resolve({ id: template.id, version: request.params.version });
      return templateVersionView(version);
    },
  );

  app.post(
    '/v1/templates/:id/versions',
    {
      schema: {
        summary: 'Add a version; earlier versions, and messages accepted with them, stay as they were',
        security: [{ bearer: [] }],
        params: TemplateParams,
        body: TemplateVersionBody,
        response: { 201: TemplateVersionView },
      },
    },
    async (request, reply) => {
      const template = await found(request.params.id);
      const source = checkedSource(request.body, purposeOf(deps, template.purpose));
      const version = await store.addTemplateVersion(template.id, source, deps.clock.now());
      if (!version) throw templateNotFound(request.params.id);
      return reply.code(201).send(templateVersionView(version));
    },
  );

  app.post(
    '/v1/templates/:id/preview',
    {
      schema: {
        summary:
          'What each channel would say with these variables: text, length, cost and content rule findings',
        security: [{ bearer: [] }],
        params: TemplateParams,
        body: PreviewBody,
      },
    },
    async (request) => {
      const template = await found(request.params.id);
      const body = request.body;
      const resolved = await templates.resolve({ id: template.id, version: body.version });
      const policy = purposeOf(deps, body.purpose ?? template.purpose);
      return previewTemplate(resolved, body.variables, body.channels, policy, deps.config);
    },
  );
};
