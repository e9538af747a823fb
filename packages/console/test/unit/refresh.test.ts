import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import { refreshAfterWrite } from '../../src/lib/queries.js';

/**
 * A list whose first load is still on its way when a row is created: the server read it before the
 * write, so that answer lacks the row. The console asked for the list again after the write and
 * still showed it without the new doctor (CI saw exactly this on the Doctors page).
 */
async function listAfterCreateDuringFirstLoad(refresh: (queries: QueryClient) => Promise<void>) {
  const rows = ['Dr. Existing'];
  const answers: (() => void)[] = [];
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 10_000 } } });
  const observer = new QueryObserver(queries, {
    queryKey: ['doctors'],
    queryFn: () => {
      const snapshot = [...rows];
      return new Promise<string[]>((resolve) => answers.push(() => resolve(snapshot)));
    },
  });
  const unsubscribe = observer.subscribe(() => undefined);
  await vi.waitFor(() => expect(answers).toHaveLength(1));

  rows.push('Dr. New');
  const refreshed = refresh(queries);
  // Answer every request asked so far, the stale first load included, until the refresh settles.
  let settled = false;
  void refreshed.finally(() => (settled = true));
  while (!settled) {
    answers.splice(0).forEach((answer) => answer());
    await new Promise((resolve) => setImmediate(resolve));
  }
  answers.splice(0).forEach((answer) => answer());
  await vi.waitFor(() => expect(observer.getCurrentResult().isFetching).toBe(false));
  const shown = observer.getCurrentResult().data;
  unsubscribe();
  queries.clear();
  return shown;
}

describe('refreshAfterWrite', () => {
  it('shows a row created while the list was first loading', async () => {
    await expect(listAfterCreateDuringFirstLoad((queries) => refreshAfterWrite(queries, ['doctors']))).resolves.toEqual([
      'Dr. Existing',
      'Dr. New',
    ]);
  });

  it('is needed: invalidating alone keeps the answer asked before the write, as fresh', async () => {
    await expect(listAfterCreateDuringFirstLoad((queries) => queries.invalidateQueries({ queryKey: ['doctors'] }))).resolves.toEqual([
      'Dr. Existing',
    ]);
  });
});
