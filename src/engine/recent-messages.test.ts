import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../store/records.js';
import { RecentMessages } from './recent-messages.js';

const message = (id: string, version = 1) => ({ id, version }) as MessageRecord;

describe('RecentMessages', () => {
  it('hands out the copy last remembered, once', () => {
    const recent = new RecentMessages();
    recent.remember(message('m1', 1));
    recent.remember(message('m1', 2));
    expect(recent.take('m1')?.version).toBe(2);
    expect(recent.take('m1')).toBeUndefined();
  });

  it('forgets the least recently written message beyond its capacity', () => {
    const recent = new RecentMessages(2);
    recent.remember(message('a'));
    recent.remember(message('b'));
    recent.remember(message('a', 2));
    recent.remember(message('c'));
    expect(recent.size).toBe(2);
    expect(recent.take('b')).toBeUndefined();
    expect(recent.take('a')?.version).toBe(2);
    expect(recent.take('c')?.version).toBe(1);
  });
});
