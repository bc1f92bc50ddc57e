import { describe, expect, it } from 'vitest';
import { ATTEMPT_STATUSES, attemptStatusesBefore, canAttemptTransition } from './attempt-states.js';
import {
  FINAL_MESSAGE_STATUSES,
  MESSAGE_STATUSES,
  canMessageTransition,
  messageStatusesBefore,
} from './message-states.js';

describe('message transitions', () => {
  it.each([
    ['accepted', 'scheduled'],
    ['accepted', 'sending'],
    ['scheduled', 'sending'],
    ['sending', 'scheduled'],
    ['sending', 'delivered'],
    ['sending', 'failed'],
    ['sending', 'expired'],
    ['sending', 'canceled'],
    ['scheduled', 'canceled'],
  ] as const)('allows %s → %s', (from, to) => expect(canMessageTransition(from, to)).toBe(true));

  it('never leaves a final state', () => {
    for (const from of FINAL_MESSAGE_STATUSES) {
      for (const to of MESSAGE_STATUSES) expect(canMessageTransition(from, to)).toBe(false);
    }
  });

  it('never goes back to accepted', () => {
    for (const from of MESSAGE_STATUSES) expect(canMessageTransition(from, 'accepted')).toBe(false);
  });

  it('derives the compare-and-set guard from the table', () => {
    expect(messageStatusesBefore('canceled')).toEqual(['accepted', 'scheduled', 'sending']);
    expect(messageStatusesBefore('scheduled')).toEqual(['accepted', 'sending']);
  });
});

describe('attempt transitions', () => {
  it.each([
    ['pending', 'sending'],
    ['sending', 'accepted'],
    ['sending', 'unknown'],
    ['sending', 'delivered'],
    ['accepted', 'delivered'],
    ['accepted', 'unconfirmed'],
    ['unknown', 'delivered'],
    ['unknown', 'unconfirmed'],
    ['unconfirmed', 'delivered'],
  ] as const)('allows %s → %s', (from, to) => expect(canAttemptTransition(from, to)).toBe(true));

  it.each([
    ['delivered', 'accepted'],
    ['delivered', 'undelivered'],
    ['undelivered', 'delivered'],
    ['failed', 'sending'],
    ['accepted', 'sending'],
    ['unconfirmed', 'accepted'],
  ] as const)('forbids %s → %s', (from, to) => expect(canAttemptTransition(from, to)).toBe(false));

  it('has every final state closed', () => {
    for (const to of ATTEMPT_STATUSES) {
      expect(canAttemptTransition('delivered', to)).toBe(false);
      expect(canAttemptTransition('failed', to)).toBe(false);
    }
    expect(attemptStatusesBefore('delivered')).toEqual(['sending', 'accepted', 'unknown', 'unconfirmed']);
  });
});
