import { expect, it } from 'vitest';
import type { TemplateSource } from '../core/templates/template-content.js';
import type { NewMessage, SuppressionRecord, TemplateRecord } from './records.js';
import type { Store } from './store.js';

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);
const v1: TemplateSource = { channels: { sms: { text: '{{ name }}様 {{ amount | yen }}' } } };
const v2: TemplateSource = {
  channels: { sms: { text: '{{ name }}様 ご請求額{{ amount | yen }}' } },
  optionalVariables: ['note'],
};

function template(overrides: Partial<TemplateRecord> = {}): TemplateRecord {
  return {
    id: '01JTMPL0000000000000000001',
    name: 'payment-reminder',
    description: '督促 1 回目',
    purpose: 'payment_reminder',
    latestVersion: 1,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function suppression(overrides: Partial<SuppressionRecord> = {}): SuppressionRecord {
  return {
    id: '01JSUPP0000000000000000001',
    addressHmac: 'hmac-a',
    addressHint: '+81 90-****-5678',
    channel: 'sms',
    purposeClass: 'promotional',
    reason: 'api',
    source: null,
    createdAt: T0,
    ...overrides,
  };
}

/** Templates and suppressions, as every Store must keep them. Called inside describeStoreConformance. */
export function templateAndSuppressionConformance(
  current: () => Store,
  reopen: () => Promise<Store>,
  newMessage: (overrides?: Partial<NewMessage>) => NewMessage,
): void {
  it('keeps a message recipient time zone, consent time and template rendering', async () => {
    const store = current();
    const m = newMessage({
      timeZone: 'America/New_York',
      optedInAt: T0 - 86_400_000,
      content: {
        channels: {
          sms: { text: '山田様' },
          email: { text: '山田様', subject: 'ご案内', html: '<p>山田様</p>' },
          line_pnp: {
            text: '',
            pnpTemplate: { templateKey: 'k', body: { items: [{ itemKey: 'i', content: 'x' }] } },
          },
        },
        template: { id: '01JTMPL0000000000000000001', name: 'payment-reminder', version: 3 },
      },
    });
    const plain = newMessage();
    const [created] = await store.acceptMessages([m, plain]);
    expect(created?.message).toMatchObject({ timeZone: 'America/New_York', optedInAt: T0 - 86_400_000 });
    const reopened = await reopen();
    expect(await reopened.getMessage(m.id)).toMatchObject({
      timeZone: 'America/New_York',
      optedInAt: T0 - 86_400_000,
      content: m.content,
    });
    expect(await reopened.getMessage(plain.id)).toMatchObject({ timeZone: null, optedInAt: null });
  });

  it('stores a template with its first version, and refuses a second template of the same name', async () => {
    const store = current();
    const t = template();
    expect(await store.createTemplate(t, { templateId: t.id, version: 1, source: v1, createdAt: T0 })).toBe(
      true,
    );
    const again = template({ id: '01JTMPL0000000000000000002' });
    expect(
      await store.createTemplate(again, { templateId: again.id, version: 1, source: v2, createdAt: T0 }),
    ).toBe(false);
    expect(await store.getTemplate(again.id)).toBeNull();
    expect(await store.getTemplateVersion(again.id, 1)).toBeNull();
    const reopened = await reopen();
    expect(await reopened.getTemplate(t.id)).toEqual(t);
    expect(await reopened.findTemplateByName('payment-reminder')).toEqual(t);
    expect(await reopened.getTemplateVersion(t.id, 1)).toEqual({
      templateId: t.id,
      version: 1,
      source: v1,
      createdAt: T0,
    });
  });

  it('numbers new versions one past the latest, distinct even when added at once, and keeps the old ones', async () => {
    const store = current();
    const t = template();
    await store.createTemplate(t, { templateId: t.id, version: 1, source: v1, createdAt: T0 });
    const added = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.addTemplateVersion(t.id, v2, T0 + 1 + i)),
    );
    expect(added.map((v) => v?.version).sort()).toEqual([2, 3, 4, 5, 6]);
    expect(await store.getTemplate(t.id)).toMatchObject({ latestVersion: 6 });
    expect((await store.listTemplateVersions(t.id)).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await store.getTemplateVersion(t.id, 1)).toMatchObject({ source: v1 });
    expect(await store.getTemplateVersion(t.id, 6)).toMatchObject({ source: v2 });
    expect(await store.addTemplateVersion('no-such-template', v2, T0)).toBeNull();
  });

  it('lists templates by name', async () => {
    const store = current();
    for (const [id, name] of [
      ['01JTMPL0000000000000000003', 'shipping'],
      ['01JTMPL0000000000000000004', 'alert'],
      ['01JTMPL0000000000000000005', 'reminder'],
    ] as const) {
      await store.createTemplate(template({ id, name }), {
        templateId: id,
        version: 1,
        source: v1,
        createdAt: T0,
      });
    }
    expect((await store.listTemplates()).map((t) => t.name)).toEqual(['alert', 'reminder', 'shipping']);
  });

  it('keeps one suppression per address, channel and class, and finds them by address', async () => {
    const store = current();
    const first = suppression();
    expect(
      await store.addSuppressions([
        first,
        suppression({ id: '01JSUPP0000000000000000002', purposeClass: 'transactional' }),
        suppression({ id: '01JSUPP0000000000000000003', addressHmac: 'hmac-b', channel: 'line_push' }),
      ]),
    ).toBe(3);
    expect(
      await store.addSuppressions([suppression({ id: '01JSUPP0000000000000000004', reason: 'sms_opt_out' })]),
    ).toBe(0);
    const reopened = await reopen();
    const found = await reopened.findSuppressions(['hmac-a', 'hmac-x']);
    expect(found.map((s) => [s.channel, s.purposeClass, s.reason])).toEqual([
      ['sms', 'promotional', 'api'],
      ['sms', 'transactional', 'api'],
    ]);
    expect(found[0]).toEqual(first);
    expect(await reopened.findSuppressions([])).toEqual([]);
  });

  it('removes suppressions by address, channel and class', async () => {
    const store = current();
    await store.addSuppressions([
      suppression(),
      suppression({ id: '01JSUPP0000000000000000002', purposeClass: 'transactional' }),
      suppression({ id: '01JSUPP0000000000000000003', channel: 'email' }),
    ]);
    expect(await store.removeSuppressions('hmac-a', ['sms'], ['promotional', 'transactional'])).toBe(2);
    expect(await store.removeSuppressions('hmac-a', ['sms'], ['promotional'])).toBe(0);
    expect((await store.findSuppressions(['hmac-a'])).map((s) => s.channel)).toEqual(['email']);
  });

  it('lists suppressions newest first with cursor paging', async () => {
    const store = current();
    const ids = ['01JSUPP0000000000000000001', '01JSUPP0000000000000000002', '01JSUPP0000000000000000003'];
    await store.addSuppressions(ids.map((id, i) => suppression({ id, addressHmac: `hmac-${i}` })));
    expect((await store.listSuppressions({ limit: 2 })).map((s) => s.id)).toEqual([ids[2], ids[1]]);
    expect((await store.listSuppressions({ limit: 2, beforeId: ids[1] })).map((s) => s.id)).toEqual([ids[0]]);
  });
}
