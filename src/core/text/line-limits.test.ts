import { describe, expect, it } from 'vitest';
import { findPnpTemplateViolations, type PnpTemplateBody } from './line-limits.js';

const item = (n: number, content = '値'): { itemKey: string; content: string } => ({
  itemKey: `item_${n}`,
  content,
});
const button = (n: number, url = 'https://example.com/'): { buttonKey: string; url: string } => ({
  buttonKey: `button_${n}`,
  url,
});

describe('findPnpTemplateViolations', () => {
  it('accepts a body at every limit', () => {
    const body: PnpTemplateBody = {
      emphasizedItem: { itemKey: 'price_001_ja', content: 'あ'.repeat(15) },
      items: Array.from({ length: 15 }, (_, i) => item(i, 'あ'.repeat(300))),
      buttons: [button(1, 'https://x.jp/' + 'a'.repeat(987)), button(2)],
    };
    expect(findPnpTemplateViolations(body)).toEqual([]);
  });

  it('accepts an empty body', () => {
    expect(findPnpTemplateViolations({})).toEqual([]);
  });

  it.each([
    [
      'emphasized item of 16 characters',
      { emphasizedItem: { itemKey: 'e', content: 'あ'.repeat(16) } },
      {
        problem: 'emphasized_item_too_long',
        field: 'body.emphasizedItem.content',
        actual: 16,
        limit: 15,
        start: 15,
        end: 16,
      },
    ],
    [
      'emphasized item of 8 emoji (16 UTF-16 code units)',
      { emphasizedItem: { itemKey: 'e', content: '🍎'.repeat(8) } },
      { problem: 'emphasized_item_too_long', actual: 16, limit: 15 },
    ],
    [
      '16 items',
      { items: Array.from({ length: 16 }, (_, i) => item(i)) },
      { problem: 'too_many_items', field: 'body.items', actual: 16, limit: 15 },
    ],
    [
      'an item of 301 characters',
      { items: [item(0), item(1, 'x'.repeat(301))] },
      {
        problem: 'item_too_long',
        field: 'body.items[1].content',
        actual: 301,
        limit: 300,
        start: 300,
        end: 301,
      },
    ],
    [
      '3 buttons',
      { buttons: [button(1), button(2), button(3)] },
      { problem: 'too_many_buttons', field: 'body.buttons', actual: 3, limit: 2 },
    ],
    [
      'a button URL of 1,001 characters',
      { buttons: [button(1, 'https://x.jp/' + 'a'.repeat(988))] },
      { problem: 'button_url_too_long', field: 'body.buttons[0].url', actual: 1001, limit: 1000 },
    ],
    [
      'an item key used by the emphasized item and an item',
      {
        emphasizedItem: { itemKey: 'date_002_ja', content: '8月10日' },
        items: [{ itemKey: 'date_002_ja', content: 'x' }],
      },
      { problem: 'duplicate_item_key', field: 'body.items[0].itemKey', start: 0, end: 11 },
    ],
    [
      'a button key used twice',
      { buttons: [button(1), button(1)] },
      { problem: 'duplicate_button_key', field: 'body.buttons[1].buttonKey' },
    ],
  ] as const)('reports %s', (_name, body, expected) => {
    const violations = findPnpTemplateViolations(body as PnpTemplateBody);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject(expected);
  });
});
