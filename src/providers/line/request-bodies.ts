import { findPnpTemplateViolations, type PnpTemplateBody } from '../../core/text/line-limits.js';

/** A LINE notification message (template): one of LINE's approved templates, and what fills it. */
export interface PnpTemplate {
  templateKey: string;
  body: PnpTemplateBody;
}

/** `POST /bot/pnp/push`: one text message to a hashed phone number. JSON.stringify escapes the text. */
export function flexibleBody(toHash: string, text: string): string {
  return `{"to":"${toHash}","messages":[{"type":"text","text":${JSON.stringify(text)}}]}`;
}

/** `POST /v2/bot/message/pnp/templated/push`: the template key and the parts of its body that are given. */
export function templateBody(toHash: string, template: PnpTemplate): string {
  const { emphasizedItem, items, buttons } = template.body;
  const body: PnpTemplateBody = {
    ...(emphasizedItem ? { emphasizedItem } : {}),
    ...(items && items.length > 0 ? { items } : {}),
    ...(buttons && buttons.length > 0 ? { buttons } : {}),
  };
  return JSON.stringify({
    to: toHash,
    templateKey: template.templateKey,
    ...(Object.keys(body).length > 0 ? { body } : {}),
  });
}

/** `POST /v2/bot/message/push`: one text message to a user ID. */
export function pushBody(userId: string, text: string): string {
  return `{"to":${JSON.stringify(userId)},"messages":[{"type":"text","text":${JSON.stringify(text)}}]}`;
}

/**
 * What LINE would refuse in a template message, as one line, or null when it is within LINE's limits. The API
 * refuses such content when the message is accepted; this catches what got past a relaxed content rule.
 */
export function templateProblem(template: PnpTemplate): string | null {
  if (template.templateKey === '') return 'templateKey is empty';
  const violations = findPnpTemplateViolations(template.body);
  if (violations.length === 0) return null;
  return violations.map((v) => `${v.field}: ${v.problem} (${v.actual}, at most ${v.limit})`).join('; ');
}
