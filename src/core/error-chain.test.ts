import { describe, expect, it } from 'vitest';
import { codeOf, errorChain } from './error-chain.js';

describe('errorChain', () => {
  it('follows each cause, outermost first', () => {
    const root = new Error('root');
    const middle = new Error('middle', { cause: root });
    const top = new Error('top', { cause: middle });
    expect(errorChain(top)).toEqual([top, middle, root]);
  });

  it('steps into the first error of an AggregateError that has no cause of its own', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' });
    const aggregate = new AggregateError([refused, new Error('second')]);
    expect(errorChain(aggregate)).toEqual([aggregate, refused]);
    const caused = new AggregateError([refused], '', { cause: 'why' });
    expect(errorChain(caused)).toEqual([caused, 'why']);
  });

  it('cuts a cycle and a chain deeper than asked', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(errorChain(a)).toEqual([a, b]);
    let deep: Error = new Error('0');
    for (let i = 1; i < 20; i++) deep = new Error(String(i), { cause: deep });
    expect(errorChain(deep, 3).map((e) => (e as Error).message)).toEqual(['19', '18', '17']);
  });
});

describe('codeOf', () => {
  it('reads string and numeric codes, and nothing else', () => {
    expect(codeOf(Object.assign(new Error('x'), { code: '3D000' }))).toBe('3D000');
    expect(codeOf({ code: 5 })).toBe('5');
    expect(codeOf(new Error('x'))).toBeUndefined();
    expect(codeOf(null)).toBeUndefined();
    expect(codeOf('text')).toBeUndefined();
  });
});
