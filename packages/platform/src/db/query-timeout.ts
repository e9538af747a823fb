import type postgres from 'postgres';

/**
 * The client-side half of the database bound. PostgreSQL's own statement and lock timeouts end
 * a slow query, but a server that cannot answer at all (frozen, a network that drops packets)
 * never sends that error: every caller would wait for TCP to give up. Here each query, and each
 * transaction's wait for a connection and for its commit, fails with QUERY_TIMEOUT (a 503) once
 * `timeoutMs` has passed. The connection itself stays with postgres.js: it gets the late answer
 * (or the server's statement timeout) when the server comes back, and is reused from then on.
 */
export function withQueryTimeout(sql: postgres.Sql, timeoutMs: number): postgres.Sql {
  return bound(sql, timeoutMs);
}

/** The same as connectDatabase's connect_timeout: a connection being made gets that long. */
export const CONNECTING_GRACE_MS = 2_000;

export class QueryTimeoutError extends Error {
  readonly code = 'QUERY_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`The database did not answer within ${timeoutMs} ms`);
    this.name = 'QueryTimeoutError';
  }
}

/** The part of a postgres.js Query this needs (it is a Promise whose reject is exposed). */
interface PendingQuery {
  then: (...args: unknown[]) => unknown;
  reject: (error: unknown) => void;
  resolve: (value: unknown) => void;
  /** Set once the query was handed to a connection (sent or pipelined). */
  state: unknown;
  cancel(): unknown;
}

type AnySql = postgres.Sql | postgres.TransactionSql;
type Callback = (sql: AnySql) => unknown;

function bound<S extends AnySql>(sql: S, timeoutMs: number): S {
  return new Proxy(sql, {
    apply: (target, thisArg, args) => watch(Reflect.apply(target as never, thisArg, args), timeoutMs),
    get: (target, property, receiver) => {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') return (...args: unknown[]) => watch((value as (...a: unknown[]) => unknown)(...args), timeoutMs);
      if (property === 'begin') return (...args: unknown[]) => boundTransaction(value as never, args, timeoutMs);
      if (property === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as Callback;
          return (value as (...a: unknown[]) => unknown)(...args, (inner: AnySql) => fn(bound(inner, timeoutMs)));
        };
      }
      return value;
    },
  });
}

/** Arms the timer when the query is awaited (postgres.js only runs a query on then()). */
function watch<T>(query: T, timeoutMs: number): T {
  const pending = query as unknown as PendingQuery;
  if (!pending || typeof pending.then !== 'function' || typeof pending.reject !== 'function') return query;
  const then = pending.then;
  let timer: NodeJS.Timeout | undefined;
  const settle = (original: (value: unknown) => void) => (value: unknown) => {
    clearTimeout(timer);
    original(value);
  };
  pending.resolve = settle(pending.resolve);
  pending.reject = settle(pending.reject);
  const expire = () => {
    pending.reject(new QueryTimeoutError(timeoutMs));
    // Still waiting for a connection: drop it from the queue, so it never runs after its caller
    // got the 503. Once sent it is left to the server's statement_timeout: a cancel request
    // sent now could land on whatever that connection runs next.
    if (!pending.state) void Promise.resolve(pending.cancel()).catch(() => {});
  };
  pending.then = function (this: PendingQuery, ...args: unknown[]) {
    // Not on a connection yet when the bound is up: most likely a new connection is being made
    // (slow on a loaded machine, and bounded by postgres.js's connect_timeout), so wait once more.
    timer ??= setTimeout(() => (pending.state ? expire() : (timer = setTimeout(expire, CONNECTING_GRACE_MS))), timeoutMs);
    return then.apply(this, args);
  };
  return query;
}

/**
 * sql.begin(fn) bounded where it can hang on a stuck server: getting a connection and BEGIN
 * (before fn runs), the rollback after fn failed, and the commit after fn succeeded. The
 * queries inside fn are bounded one by one. A transaction that timed out before fn ran never
 * runs fn later; one that failed is rolled back by postgres.js when the server answers again.
 */
function boundTransaction(begin: (...args: unknown[]) => Promise<unknown>, args: unknown[], timeoutMs: number): Promise<unknown> {
  const fn = args.pop() as Callback;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let failEarly: (error: unknown) => void = () => {};
  const early = new Promise<never>((_resolve, reject) => (failEarly = reject));
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      failEarly(new QueryTimeoutError(timeoutMs));
    }, timeoutMs);
  };
  const run = async (tx: AnySql) => {
    clearTimeout(timer);
    if (timedOut) throw new QueryTimeoutError(timeoutMs);
    try {
      const result = await fn(bound(tx, timeoutMs));
      arm(); // the COMMIT
      return result;
    } catch (error) {
      // Answer now; postgres.js rolls back on its connection whenever the server lets it.
      failEarly(error);
      throw error;
    }
  };
  arm(); // the connection and BEGIN
  const transaction = begin(...args, run);
  transaction.catch(() => {});
  early.catch(() => {});
  return Promise.race([transaction, early]).finally(() => clearTimeout(timer));
}
