/**
 * Gathers the calls made in one turn of the event loop and serves them with one `apply`. kafkajs
 * hands each partition of a fetch to its own eachBatch call; coalesced, the events of every
 * partition of a fetch share one transaction (one BEGIN, one processed_events insert, one
 * statement per effect, one COMMIT) instead of paying for one each. Each caller gets the shared
 * outcome and reads its own part of it.
 */
export function coalesce<T, R>(apply: (items: T[]) => Promise<R>, merge: (lists: T[][]) => T[] = (lists) => lists.flat()): (items: T[]) => Promise<R> {
  let pending: { items: T[]; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const taken = pending;
    pending = [];
    apply(merge(taken.map((call) => call.items))).then(
      (result) => taken.forEach((call) => call.resolve(result)),
      (error: unknown) => taken.forEach((call) => call.reject(error)),
    );
  };
  return (items) =>
    new Promise<R>((resolve, reject) => {
      // setImmediate runs after the promise jobs of this turn: the partitions kafkajs starts together are all here.
      if (pending.length === 0) setImmediate(flush);
      pending.push({ items, resolve, reject });
    });
}

/**
 * Interleaves lists by `timeOf`, taking only from their heads, so each list keeps its own order
 * (a partition's) while the whole follows time as closely as that allows.
 */
export function mergeByTime<T>(lists: T[][], timeOf: (item: T) => number): T[] {
  const merged: T[] = [];
  const next = lists.map(() => 0);
  for (;;) {
    let earliest = -1;
    for (const [index, list] of lists.entries()) {
      const head = list[next[index]!];
      if (head !== undefined && (earliest < 0 || timeOf(head) < timeOf(lists[earliest]![next[earliest]!]!))) earliest = index;
    }
    if (earliest < 0) return merged;
    merged.push(lists[earliest]![next[earliest]!++]!);
  }
}
