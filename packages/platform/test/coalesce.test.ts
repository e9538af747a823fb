import { describe, expect, it } from 'vitest';
import { coalesce, mergeByTime } from '../src/events/coalesce.js';

describe('coalesce', () => {
  it('serves the calls made in one turn with one apply, and later calls with the next', async () => {
    const applied: number[][] = [];
    const apply = coalesce(async (items: number[]) => {
      applied.push(items);
      return items.length;
    });
    expect(await Promise.all([apply([1, 2]), apply([3])])).toEqual([3, 3]);
    expect(await apply([4])).toBe(1);
    expect(applied).toEqual([[1, 2, 3], [4]]);
  });

  it('hands a failure to every caller of the turn', async () => {
    const apply = coalesce(async () => {
      throw new Error('down');
    });
    const results = await Promise.allSettled([apply([1]), apply([2])]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('mergeByTime', () => {
  it('interleaves lists by time while each keeps its own order', () => {
    const at = (list: string, time: number) => ({ list, time });
    const a = [at('a', 1), at('a', 5), at('a', 3)];
    const b = [at('b', 2), at('b', 4)];
    expect(mergeByTime([a, b], (item) => item.time).map((item) => `${item.list}${item.time}`)).toEqual(['a1', 'b2', 'b4', 'a5', 'a3']);
  });
});
