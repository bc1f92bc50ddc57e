import { describe, expect, it } from 'vitest';
import { WriterQueue } from './writer-queue.js';

function queueOf(maxBatch: number, items: [string, boolean][]): WriterQueue<string> {
  const queue = new WriterQueue<string>(maxBatch);
  for (const [item, urgent] of items) queue.add(item, urgent);
  return queue;
}

describe('WriterQueue', () => {
  it('commits urgent writes alone when other work waits, and the waiting work next', () => {
    const queue = queueOf(10, [
      ['b1', false],
      ['u1', true],
      ['b2', false],
      ['u2', true],
    ]);
    expect(queue.next()).toEqual(['u1', 'u2']);
    expect(queue.next()).toEqual(['b1', 'b2']);
    expect(queue.isEmpty).toBe(true);
    expect(queue.next()).toEqual([]);
  });

  it('puts urgent writes that came meanwhile in front of the waiting work rather than starving it', () => {
    const queue = queueOf(10, [
      ['b1', false],
      ['u1', true],
    ]);
    expect(queue.next()).toEqual(['u1']);
    queue.add('u2', true);
    expect(queue.next()).toEqual(['u2', 'b1']);
    // The turn is over: the next urgent write goes alone again while work waits.
    queue.add('b2', false);
    queue.add('u3', true);
    expect(queue.next()).toEqual(['u3']);
    expect(queue.next()).toEqual(['b2']);
  });

  it('keeps waiting work to a bounded slice, urgent writes counted in it', () => {
    const queue = queueOf(3, [
      ['b1', false],
      ['b2', false],
      ['b3', false],
      ['b4', false],
      ['b5', false],
    ]);
    expect(queue.next()).toEqual(['b1', 'b2', 'b3']);
    queue.add('u1', true);
    expect(queue.next()).toEqual(['u1']);
    queue.add('u2', true);
    expect(queue.next()).toEqual(['u2', 'b4', 'b5']);
  });

  it('commits urgent writes with nothing else waiting in one batch', () => {
    const queue = queueOf(3, [
      ['u1', true],
      ['u2', true],
    ]);
    expect(queue.next()).toEqual(['u1', 'u2']);
    expect(queue.isEmpty).toBe(true);
  });
});
