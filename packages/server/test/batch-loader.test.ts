import { expect, it } from 'vitest';
import { batchLoader } from '../src/storage/batch-loader.js';

it('answers the callers that ask together with one load, each with its own value in order', async () => {
  const loads: number[][] = [];
  const load = batchLoader(async (keys: readonly number[]) => {
    loads.push([...keys]);
    return keys.map((k) => (k % 2 ? `odd ${k}` : undefined));
  });
  const answers = await Promise.all([1, 2, 3, 4, 5].map((k) => load(k)));
  expect(answers).toEqual(['odd 1', undefined, 'odd 3', undefined, 'odd 5']);
  expect(loads).toEqual([[1, 2, 3, 4, 5]]);

  // A caller arriving after the flush starts a new batch.
  expect(await load(7)).toBe('odd 7');
  expect(loads).toEqual([[1, 2, 3, 4, 5], [7]]);
});

it('gives every caller of a failed batch the error, and splits batches at maxBatch', async () => {
  const loads: number[][] = [];
  const load = batchLoader(async (keys: readonly number[]) => {
    loads.push([...keys]);
    if (keys.includes(3)) throw new Error('the database is down');
    return keys.map((k) => k * 10);
  }, 2);
  const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map((k) => load(k)));
  expect(loads).toEqual([[1, 2], [3, 4], [5]]);
  expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
    10,
    20,
    'the database is down',
    'the database is down',
    50,
  ]);
});
