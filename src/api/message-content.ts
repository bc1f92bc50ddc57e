import { normalizeForSms } from '../core/text/normalize-for-sms.js';
import type { Channel } from '../core/channels.js';
import type { PurposePolicy } from '../core/purposes.js';
import { renderTemplate, type RenderResult } from '../core/templates/index.js';
import { checkContent } from '../core/text/rules/check-content.js';
import type { Finding, RuleLevels } from '../core/text/rules/content-rule.js';
import type { ChannelContent, MessageContent } from '../store/records.js';
import { ApiError, validationFailed } from './api-error.js';
import type { LinePnpTemplateInput, MessageBody } from './message-body.js';
import type { ResolvedTemplate } from './template-resolver.js';

export const CHANNEL_NAMES_JA: Record<Channel, string> = {
  line_pnp: 'LINE 通知メッセージ',
  line_push: 'LINE プッシュ',
  sms: 'SMS',
  email: 'メール',
};

function missingContent(channel: Channel, needed: string): ApiError {
  return new ApiError(
    422,
    'missing_content',
    `${CHANNEL_NAMES_JA[channel]} の本文がありません / No content for ${channel}: give ${needed}`,
  );
}

/** Any channel's content as the request may give it. */
type InlineChannel = { text?: string; subject?: string; html?: string; template?: LinePnpTemplateInput };

/** One channel's content as given in the request: its own text (or LINE template), else the common text. */
function inlineChannel(value: InlineChannel, common: string | undefined): ChannelContent {
  if (value.template !== undefined) {
    const { templateKey, ...body } = value.template;
    return { text: '', pnpTemplate: { templateKey, body } };
  }
  const one: ChannelContent = { text: value.text ?? common ?? '' };
  if (value.subject !== undefined) one.subject = value.subject;
  if (value.html !== undefined) one.html = value.html;
  return one;
}

/** Text given in the request itself: one text for every channel, overridden per channel. */
function inlineContent(body: MessageBody, channels: readonly Channel[]): MessageContent {
  for (const channel of channels) {
    const own = body.content?.[channel] as InlineChannel | undefined;
    if (own?.template !== undefined) continue;
    const text = own?.text ?? body.text;
    if (text !== undefined && (channel !== 'email' || body.content?.email?.subject !== undefined)) continue;
    throw missingContent(
      channel,
      channel === 'email'
        ? 'content.email.subject and text'
        : channel === 'line_pnp'
          ? 'text, content.line_pnp.text or content.line_pnp.template'
          : `text or content.${channel}.text`,
    );
  }
  const content: MessageContent = {};
  if (body.text !== undefined) content.text = body.text;
  if (body.content) {
    const out: Partial<Record<Channel, ChannelContent>> = {};
    for (const [channel, value] of Object.entries(body.content) as [Channel, InlineChannel | undefined][]) {
      if (value !== undefined) out[channel] = inlineChannel(value, body.text);
    }
    content.channels = out;
  }
  // Half-width katakana are garbled by carriers: the SMS gets them full-width (as a template's SMS text does).
  if (channels.includes('sms')) {
    const sms = content.channels?.sms?.text ?? content.text ?? '';
    const normalized = normalizeForSms(sms);
    if (normalized !== sms)
      content.channels = { ...content.channels, sms: { ...content.channels?.sms, text: normalized } };
  }
  return content;
}

/** The route's channels rendered from a template version, or the reason it cannot be. */
function templateContent(
  body: MessageBody,
  channels: readonly Channel[],
  resolved: ResolvedTemplate,
): MessageContent {
  const { template, version, compiled } = resolved;
  for (const channel of channels) {
    if (!compiled.fields[channel]) {
      throw missingContent(
        channel,
        `a template with ${channel} content (template "${template.name}" version ${version.version} has ${compiled.channels.join(', ') || 'none'})`,
      );
    }
  }
  const result = renderTemplate(compiled, body.variables ?? {}, channels);
  if (!result.ok) throw renderFailure(result);
  return {
    channels: result.channels,
    template: { id: template.id, name: template.name, version: version.version },
  };
}

/** Why a template could not be rendered, as the API's error. */
export function renderFailure(result: Exclude<RenderResult, { ok: true }>): ApiError {
  switch (result.code) {
    case 'missing_variable':
      return new ApiError(
        422,
        'missing_variable',
        `テンプレートの変数 ${result.variables.join(', ')} がありません / Missing or empty template variable: ${result.variables.join(', ')}`,
        { variables: result.variables },
      );
    case 'invalid_variable':
      return new ApiError(
        422,
        'invalid_variable',
        `テンプレートの変数の値を変換できません / A template variable cannot be formatted (${result.field}): ${result.message}`,
        { field: result.field, filter: result.filter },
      );
    case 'render_failed':
      return new ApiError(
        422,
        'render_failed',
        `テンプレートを組み立てられません / The template cannot be rendered (${result.field}): ${result.message}`,
        { field: result.field },
      );
  }
}

/**
 * What the message will say on each channel of its route: the request's own text, or its template rendered now
 * (so later template versions never change an accepted message). Checked against the content rules: a finding at
 * level `block` refuses the message with every finding listed.
 */
export function messageContent(
  body: MessageBody,
  channels: readonly Channel[],
  policy: PurposePolicy,
  levels: RuleLevels,
  template: ResolvedTemplate | null,
): MessageContent {
  if (template && (body.text !== undefined || body.content !== undefined)) {
    throw validationFailed([{ path: 'template', message: 'give either template or text/content, not both' }]);
  }
  if (!template && body.variables !== undefined) {
    throw validationFailed([
      { path: 'variables', message: 'variables are for a template: give template too' },
    ]);
  }
  const content = template ? templateContent(body, channels, template) : inlineContent(body, channels);
  blockedFindings(content, channels, policy, levels);
  return content;
}

/** A finding on one channel, as the API reports it. */
export type ChannelFinding = Finding & { channel: Channel };

function blockedFindings(
  content: MessageContent,
  channels: readonly Channel[],
  policy: PurposePolicy,
  levels: RuleLevels,
): void {
  const findings: ChannelFinding[] = [];
  let blocked = false;
  for (const channel of new Set(channels)) {
    const own = content.channels?.[channel];
    const check = checkContent(
      {
        channel,
        text: own?.text ?? content.text ?? '',
        purpose: policy.name,
        promotional: policy.promotional,
        subject: own?.subject,
        pnpTemplate: own?.pnpTemplate?.body,
      },
      levels,
    );
    for (const finding of check.findings) findings.push({ ...finding, channel });
    blocked ||= check.blocked;
  }
  if (!blocked) return;
  const first = findings.find((f) => f.level === 'block')!;
  throw new ApiError(
    422,
    'content_blocked',
    `本文が送信ルールに反しています / The content breaks a content rule (${first.channel}: ${first.message})`,
    { findings },
  );
}
