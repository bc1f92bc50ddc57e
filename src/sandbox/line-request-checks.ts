/** One problem LINE names in a 400 answer. */
export interface ErrorDetail {
  message: string;
  property: string;
}

/** A request body, checked the way LINE checks it: who it is for and what they will read, or LINE's refusal. */
export type Checked =
  | { ok: true; to: string; text: string; messages: number }
  | { ok: false; message: string; details?: ErrorDetail[] };

const NOT_JSON = 'The request body could not be parsed as JSON';
const TEXT_MAX = 5000;

/** Limits of a notification message (template) as LINE documents them; the emulator keeps its own copy. */
const TEMPLATE = { emphasizedMax: 15, itemsMax: 15, itemMax: 300, buttonsMax: 2, urlMax: 1000 };

type Fields = Record<string, unknown>;

function jsonObject(raw: Buffer): Fields | null {
  try {
    const body: unknown = JSON.parse(raw.toString('utf8'));
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Fields) : null;
  } catch {
    return null;
  }
}

function refused(details: ErrorDetail[]): Checked {
  return { ok: false, message: `The request body has ${details.length} error(s)`, details };
}

const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** `{ to, messages: [1..5 message objects] }` of `POST /bot/pnp/push` and `POST /v2/bot/message/push`. */
export function checkMessagesBody(raw: Buffer): Checked {
  const body = jsonObject(raw);
  if (body === null) return { ok: false, message: NOT_JSON };
  const { to, messages } = body;
  const details: ErrorDetail[] = [];
  if (!isText(to)) details.push({ message: 'must be specified', property: 'to' });
  const texts: string[] = [];
  if (messages === undefined || messages === null) {
    details.push({ message: 'must be specified', property: 'messages' });
  } else if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) {
    details.push({ message: 'Size must be between 1 and 5', property: 'messages' });
  } else {
    messages.forEach((m: unknown, i) => {
      const message = (typeof m === 'object' && m !== null ? m : {}) as { type?: unknown; text?: unknown };
      const property = `messages[${i}]`;
      if (typeof message.type !== 'string') {
        details.push({ message: 'must be specified', property: `${property}.type` });
      } else if (message.type !== 'text') {
        texts.push(`[${message.type}]`);
      } else if (typeof message.text !== 'string') {
        details.push({ message: 'must be specified', property: `${property}.text` });
      } else if (message.text.length === 0) {
        details.push({ message: 'May not be empty', property: `${property}.text` });
      } else if (message.text.length > TEXT_MAX) {
        details.push({ message: `Length must be between 0 and ${TEXT_MAX}`, property: `${property}.text` });
      } else {
        texts.push(message.text);
      }
    });
  }
  if (details.length > 0) return refused(details);
  return { ok: true, to: to as string, text: texts.join('\n'), messages: texts.length };
}

/** A key-and-text pair (`itemKey`/`content`, `buttonKey`/`url`), checked; its line of the rendering when valid. */
function pair(
  value: unknown,
  property: string,
  names: [key: string, text: string],
  max: number,
  details: ErrorDetail[],
): [key: string, text: string] | null {
  const fields = (typeof value === 'object' && value !== null ? value : {}) as Fields;
  const [keyName, textName] = names;
  const key = fields[keyName];
  const text = fields[textName];
  if (!isText(key)) details.push({ message: 'must be specified', property: `${property}.${keyName}` });
  if (typeof text !== 'string') {
    details.push({ message: 'must be specified', property: `${property}.${textName}` });
  } else if (text.length === 0 || text.length > max) {
    details.push({ message: `Length must be between 1 and ${max}`, property: `${property}.${textName}` });
  }
  return isText(key) && isText(text) && text.length <= max ? [key, text] : null;
}

/**
 * `{ to, templateKey, body?: { emphasizedItem?, items?, buttons? } }` of
 * `POST /v2/bot/message/pnp/templated/push`, within LINE's limits, each item and button key at most once. What the
 * person reads is rendered as lines: the template key, then `key: content` per item and `key: url` per button.
 */
export function checkTemplateBody(raw: Buffer): Checked {
  const body = jsonObject(raw);
  if (body === null) return { ok: false, message: NOT_JSON };
  const { to, templateKey } = body;
  const details: ErrorDetail[] = [];
  if (!isText(to)) details.push({ message: 'must be specified', property: 'to' });
  if (!isText(templateKey)) details.push({ message: 'must be specified', property: 'templateKey' });
  const lines: string[] = [String(templateKey)];
  const parts = body.body === undefined ? {} : body.body;
  if (typeof parts !== 'object' || parts === null || Array.isArray(parts)) {
    details.push({ message: 'must be an object', property: 'body' });
    return refused(details);
  }
  const { emphasizedItem, items, buttons } = parts as Fields;
  const itemKeys = new Set<string>();
  const item = (value: unknown, property: string, max: number) => {
    const checked = pair(value, property, ['itemKey', 'content'], max, details);
    if (checked === null) return;
    if (itemKeys.has(checked[0]))
      details.push({ message: 'Duplicate itemKey', property: `${property}.itemKey` });
    itemKeys.add(checked[0]);
    lines.push(`${checked[0]}: ${checked[1]}`);
  };
  if (emphasizedItem !== undefined) item(emphasizedItem, 'body.emphasizedItem', TEMPLATE.emphasizedMax);
  if (items !== undefined) {
    if (!Array.isArray(items) || items.length > TEMPLATE.itemsMax) {
      details.push({ message: `Size must be between 0 and ${TEMPLATE.itemsMax}`, property: 'body.items' });
    } else {
      items.forEach((value: unknown, i) => item(value, `body.items[${i}]`, TEMPLATE.itemMax));
    }
  }
  if (buttons !== undefined) {
    if (!Array.isArray(buttons) || buttons.length > TEMPLATE.buttonsMax) {
      details.push({
        message: `Size must be between 0 and ${TEMPLATE.buttonsMax}`,
        property: 'body.buttons',
      });
    } else {
      const buttonKeys = new Set<string>();
      buttons.forEach((value: unknown, i) => {
        const property = `body.buttons[${i}]`;
        const checked = pair(value, property, ['buttonKey', 'url'], TEMPLATE.urlMax, details);
        if (checked === null) return;
        if (buttonKeys.has(checked[0]))
          details.push({ message: 'Duplicate buttonKey', property: `${property}.buttonKey` });
        buttonKeys.add(checked[0]);
        lines.push(`${checked[0]}: ${checked[1]}`);
      });
    }
  }
  if (details.length > 0) return refused(details);
  return { ok: true, to: to as string, text: lines.join('\n'), messages: 1 };
}
