/**
 * LINE counts text in UTF-16 code units ("Character counting in a text", developers.line.biz: 🍎 counts two),
 * so `String.length` is LINE's own count for every field below.
 */
export const LINE_LIMITS = {
  /** Text message `text` (Messaging API reference, "Text message": max 5,000 characters). */
  textMaxCharacters: 5000,
  /** PNP template `body.emphasizedItem.content` (DESIGN §1). */
  pnpEmphasizedItemMaxCharacters: 15,
  /** PNP template `body.items` (@line/bot-sdk PnpTemplatedMessageBody: "Maximum items: 15"). */
  pnpMaxItems: 15,
  /** PNP template `body.items[].content` (@line/bot-sdk PnpTemplatedItem: "Maximum length: 300"). */
  pnpItemMaxCharacters: 300,
  /** PNP template `body.buttons` (@line/bot-sdk PnpTemplatedMessageBody: "Maximum items: 2"). */
  pnpMaxButtons: 2,
  /** PNP template `body.buttons[].url` (@line/bot-sdk PnpTemplatedButton: "Maximum length: 1000"). */
  pnpButtonUrlMaxCharacters: 1000,
} as const;

/** The `body` of a LINE notification message (template), as `POST /v2/bot/message/pnp/templated/push` takes it. */
export interface PnpTemplateBody {
  readonly emphasizedItem?: { readonly itemKey: string; readonly content: string } | undefined;
  readonly items?: readonly { readonly itemKey: string; readonly content: string }[] | undefined;
  readonly buttons?: readonly { readonly buttonKey: string; readonly url: string }[] | undefined;
}

export type PnpTemplateProblem =
  | 'emphasized_item_too_long'
  | 'too_many_items'
  | 'item_too_long'
  | 'too_many_buttons'
  | 'button_url_too_long'
  | 'duplicate_item_key'
  | 'duplicate_button_key';

export interface PnpTemplateViolation {
  readonly problem: PnpTemplateProblem;
  /** Where, as a JSON path into the request: `body.items[3].content`. */
  readonly field: string;
  /** The measured length or count, and the most allowed. */
  readonly actual: number;
  readonly limit: number;
  /** The part of the field's text beyond the limit (start, end in UTF-16 code units), when it is text. */
  readonly start: number;
  readonly end: number;
}

const NO_VIOLATIONS: readonly PnpTemplateViolation[] = Object.freeze([]);

/**
 * Every field of a PNP template body that LINE would reject: lengths and counts above, and item or button keys
 * used twice ("The itemKey must be unique across emphasizedItem and items", "The buttonKey must be unique").
 */
export function findPnpTemplateViolations(body: PnpTemplateBody): readonly PnpTemplateViolation[] {
  const found: PnpTemplateViolation[] = [];
  const itemKeys = new Set<string>();
  const emphasized = body.emphasizedItem;
  if (emphasized) {
    itemKeys.add(emphasized.itemKey);
    tooLong(
      found,
      'emphasized_item_too_long',
      'body.emphasizedItem.content',
      emphasized.content,
      LINE_LIMITS.pnpEmphasizedItemMaxCharacters,
    );
  }
  const items = body.items ?? [];
  if (items.length > LINE_LIMITS.pnpMaxItems) {
    found.push(count('too_many_items', 'body.items', items.length, LINE_LIMITS.pnpMaxItems));
  }
  items.forEach((item, i) => {
    if (itemKeys.has(item.itemKey))
      found.push(duplicate('duplicate_item_key', `body.items[${i}].itemKey`, item.itemKey));
    itemKeys.add(item.itemKey);
    tooLong(
      found,
      'item_too_long',
      `body.items[${i}].content`,
      item.content,
      LINE_LIMITS.pnpItemMaxCharacters,
    );
  });
  const buttons = body.buttons ?? [];
  if (buttons.length > LINE_LIMITS.pnpMaxButtons) {
    found.push(count('too_many_buttons', 'body.buttons', buttons.length, LINE_LIMITS.pnpMaxButtons));
  }
  const buttonKeys = new Set<string>();
  buttons.forEach((button, i) => {
    if (buttonKeys.has(button.buttonKey)) {
      found.push(duplicate('duplicate_button_key', `body.buttons[${i}].buttonKey`, button.buttonKey));
    }
    buttonKeys.add(button.buttonKey);
    tooLong(
      found,
      'button_url_too_long',
      `body.buttons[${i}].url`,
      button.url,
      LINE_LIMITS.pnpButtonUrlMaxCharacters,
    );
  });
  return found.length === 0 ? NO_VIOLATIONS : found;
}

function tooLong(
  found: PnpTemplateViolation[],
  problem: PnpTemplateProblem,
  field: string,
  text: string,
  limit: number,
): void {
  if (text.length > limit)
    found.push({ problem, field, actual: text.length, limit, start: limit, end: text.length });
}

function count(
  problem: PnpTemplateProblem,
  field: string,
  actual: number,
  limit: number,
): PnpTemplateViolation {
  return { problem, field, actual, limit, start: 0, end: 0 };
}

/** A key used a second time: `actual` 2 uses where 1 is allowed, the whole key marked. */
function duplicate(problem: PnpTemplateProblem, field: string, key: string): PnpTemplateViolation {
  return { problem, field, actual: 2, limit: 1, start: 0, end: key.length };
}
