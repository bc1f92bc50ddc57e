import { describe, expect, it } from 'vitest';
import { createdResult, newlyAccepted } from './newly-accepted.js';
import { newMessage } from './store.conformance.js';

const message = newMessage({ idempotencyKey: 'order-1' });

describe('createdResult', () => {
  it('builds the stored record on first read only, once, the same as newlyAccepted', () => {
    const result = createdResult(message);
    expect(result.result).toBe('created');
    const first = result.message;
    expect(first).toEqual(newlyAccepted(message));
    expect(first.status).toBe('accepted');
    expect(first.version).toBe(0);
    expect(result.message).toBe(first);
  });

  it('shows the record to code that copies or compares the result', () => {
    expect({ ...createdResult(message) }).toEqual({
      result: 'created',
      id: message.id,
      message: newlyAccepted(message),
    });
  });
});
