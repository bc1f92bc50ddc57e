import type { Channel } from '../channels.js';
import { normalizeForSms } from '../text/normalize-for-sms.js';
import { firstLine, type CompiledField, type CompiledTemplate } from './compile-template.js';
import { FilterInputError } from './filters.js';
import { liquidFor } from './liquid-engines.js';
import type { RenderedChannel, RenderedChannels } from './template-content.js';

export type RenderResult =
  | { ok: true; channels: RenderedChannels }
  /** Required variables left out or empty (`''`, blanks, null), by path. */
  | { ok: false; code: 'missing_variable'; variables: string[] }
  /** A variable a filter cannot format (`"abc" | yen`). */
  | { ok: false; code: 'invalid_variable'; field: string; filter: string; message: string }
  /** Anything else Liquid refused while rendering (a render limit, a filter style it does not know …). */
  | { ok: false; code: 'render_failed'; field: string; message: string };

type Variables = Readonly<Record<string, unknown>>;

/** Left out, null, or a string with nothing but blanks in it: a required variable must not be any of these. */
function isMissing(variables: Variables, keys: readonly string[]): boolean {
  let current: unknown = variables;
  for (const key of keys) {
    // Past an index the strict render itself says what is missing.
    if (Array.isArray(current)) return false;
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return true;
    current = (current as Record<string, unknown>)[key];
  }
  return current === null || current === undefined || (typeof current === 'string' && current.trim() === '');
}

/** The variables with each optional one that was left out set to null, so strict rendering reads it as empty. */
function withOptionals(variables: Variables, optional: readonly string[]): Variables {
  let scope: Record<string, unknown> | null = null;
  for (const name of optional) {
    if (Object.hasOwn(variables, name)) continue;
    scope ??= { ...variables };
    scope[name] = null;
  }
  return scope ?? variables;
}

class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly reason: unknown,
  ) {
    super(firstLine(reason));
  }
}

function renderField(field: CompiledField, scope: Variables): string {
  try {
    const fast = field.fast?.render(scope);
    if (fast !== undefined) return fast;
    return liquidFor(field.flavor).renderSync(field.liquid, scope) as string;
  } catch (error) {
    throw new FieldError(field.field, error);
  }
}

function renderChannel(
  template: CompiledTemplate,
  channel: Channel,
  fields: readonly CompiledField[],
  scope: Variables,
): RenderedChannel {
  const text = (name: string) => {
    for (const field of fields) if (field.field === name) return renderField(field, scope);
    return undefined;
  };
  switch (channel) {
    case 'sms':
      return { text: normalizeForSms(text('sms.text') ?? '') };
    case 'line_push':
      return { text: text('line_push.text') ?? '' };
    case 'email': {
      const html = text('email.html');
      const rendered: RenderedChannel = {
        text: text('email.text') ?? '',
        subject: text('email.subject') ?? '',
      };
      if (html !== undefined) rendered.html = html;
      return rendered;
    }
    case 'line_pnp': {
      const flexible = text('line_pnp.text');
      if (flexible !== undefined) return { text: flexible };
      return { text: '', pnpTemplate: pnpBody(template, fields, scope) };
    }
  }
}

/**
 * Renders a compiled template for the given channels (those of the message's route), after checking that every
 * variable they need is there and not empty. Never throws: whatever the variables hold, the answer is a rendering
 * or a reason, so arbitrary input from a request cannot crash the API.
 */
export function renderTemplate(
  template: CompiledTemplate,
  variables: Variables,
  channels: readonly Channel[] = template.channels,
): RenderResult {
  let missing: Set<string> | undefined;
  for (const channel of channels) {
    const keys = template.requiredKeys[channel];
    if (!keys) continue;
    for (let i = 0; i < keys.length; i++) {
      if (isMissing(variables, keys[i]!)) (missing ??= new Set()).add(template.required[channel]![i]!);
    }
  }
  if (missing) return { ok: false, code: 'missing_variable', variables: [...missing] };
  const scope = withOptionals(variables, template.optional);
  const rendered: RenderedChannels = {};
  try {
    for (const channel of channels) {
      const fields = template.fields[channel];
      if (!fields) continue;
      rendered[channel] = renderChannel(template, channel, fields, scope);
    }
  } catch (error) {
    return failure(error);
  }
  return { ok: true, channels: rendered };
}

/** The body of a LINE template message: fixed keys, rendered contents and URLs. */
function pnpBody(
  template: CompiledTemplate,
  fields: readonly CompiledField[],
  scope: Variables,
): NonNullable<RenderedChannel['pnpTemplate']> {
  const line = template.source.channels.line_pnp;
  if (!line || !('template' in line)) throw new Error('line_pnp has no template');
  const t = line.template;
  const byName = new Map(fields.map((f) => [f.field, f]));
  const render = (name: string) => renderField(byName.get(name)!, scope);
  const mutable: {
    emphasizedItem?: { itemKey: string; content: string };
    items?: { itemKey: string; content: string }[];
    buttons?: { buttonKey: string; url: string }[];
  } = {};
  if (t.emphasizedItem) {
    mutable.emphasizedItem = {
      itemKey: t.emphasizedItem.itemKey,
      content: render('line_pnp.template.emphasizedItem.content'),
    };
  }
  if (t.items) {
    mutable.items = t.items.map((item, i) => ({
      itemKey: item.itemKey,
      content: render(`line_pnp.template.items[${i}].content`),
    }));
  }
  if (t.buttons) {
    mutable.buttons = t.buttons.map((button, i) => ({
      buttonKey: button.buttonKey,
      url: render(`line_pnp.template.buttons[${i}].url`),
    }));
  }
  return { templateKey: t.templateKey, body: mutable };
}

function failure(error: unknown): RenderResult {
  const field = error instanceof FieldError ? error.field : '';
  const cause = error instanceof FieldError ? error.reason : error;
  const original = originalError(cause);
  if (original instanceof FilterInputError) {
    return { ok: false, code: 'invalid_variable', field, filter: original.filter, message: original.message };
  }
  const undefinedVariable = /^undefined variable: (.+?)(?:, line:|$)/.exec(firstLine(cause));
  if (undefinedVariable) return { ok: false, code: 'missing_variable', variables: [undefinedVariable[1]!] };
  return { ok: false, code: 'render_failed', field, message: firstLine(original ?? cause) };
}

/** Liquid wraps what a filter threw; the fast path throws it as is. */
function originalError(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof FilterInputError) return current;
    const inner = (current as { originalError?: unknown }).originalError;
    if (inner === undefined || inner === current) break;
    current = inner;
  }
  return current;
}
