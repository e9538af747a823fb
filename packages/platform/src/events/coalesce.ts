/**
 * Gathers the calls made in one turn of the event loop and serves them with one `apply`. kafkajs
 * hands each partition of a fetch to its own eachBatch call; coalesced, the events of every
 * partition of a fetch share one transaction (one BEGIN, one processed_events insert, one
 * statement per effect, one COMMIT) instead of paying for one each. Each caller gets the shared
 * outcome and reads its own part of it.
 */
export function coalesce<T, R>(apply: (items: T[]) => Promise<R>): (items: T[]) => Promise<R> {
  let pending: { items: T[]; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const taken = pending;
    pending = [];
    apply(taken.flatMap((call) => call.items)).then(
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
