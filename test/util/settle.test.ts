import { describe, expect, it } from 'vitest';
import { allSettledOrThrow } from '../../src/util/settle.js';

const later = <T>(ms: number, v: T, fail = false) => new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(v) : resolve(v)), ms));

describe('allSettledOrThrow', () => {
  it('gives the values in order, whatever order they settle in', async () => {
    expect(await allSettledOrThrow([later(30, 'a'), later(1, 'b'), Promise.resolve('c')])).toEqual(['a', 'b', 'c']);
    expect(await allSettledOrThrow([])).toEqual([]);
  });

  it('rethrows a rejection only once every promise has settled, the first in order when several reject', async () => {
    let slowDone = false;
    const slow = later(40, 'slow').then((v) => ((slowDone = true), v));
    const err = await allSettledOrThrow<unknown>([later(20, new Error('second'), true), Promise.reject(new Error('first at once')), slow]).catch((e: Error) => e);
    expect(slowDone).toBe(true); // Promise.all would have rejected before the slow one finished
    expect((err as Error).message).toBe('second');
  });
});
