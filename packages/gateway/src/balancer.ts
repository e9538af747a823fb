import { Pool, type Dispatcher } from 'undici';

/** What reply-from hands a custom dispatcher: undici's request options, callback style. */
type RequestOptions = Dispatcher.RequestOptions & { origin?: unknown };
type RequestCallback = (error: Error | null, data?: Dispatcher.ResponseData) => void;

export interface BalancerOptions {
  /** The service's name, in logs. */
  name: string;
  /** One or more `http://host:port` addresses of the service's replicas. */
  origins: string[];
  pool: Pool.Options;
  /** How often each replica's /health/ready is asked (only when there are two or more). */
  healthIntervalMs: number;
  healthTimeoutMs: number;
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

export interface Balancer {
  readonly name: string;
  readonly origins: readonly string[];
  /** The undici dispatcher reply-from forwards through: round robin over the healthy replicas. */
  request(options: RequestOptions, callback: RequestCallback): void;
  /** The next healthy origin (not one of `tried`), for the gateway's own fetches (docs, FHIR, readiness). */
  pick(tried?: ReadonlySet<string>): string;
  /** Replicas currently in rotation. */
  healthy(): string[];
  close(): Promise<void>;
}

/** Never reached the service: safe to send again, whatever the method. */
const notSentCodes = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'UND_ERR_CLOSED']);
/** The connection broke; the service may have acted: only idempotent reads go again. */
const brokenCodes = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The gateway's view of one service's replicas. Requests go round robin to the replicas whose
 * readiness is green; one that turns red (failing, or draining before it stops) is left out until
 * it answers again. A request that could not reach a replica goes to the next one: any method
 * when it was never sent (refused, or Fastify's "closing" 503 answered before any handler ran),
 * GET/HEAD/OPTIONS also when the connection broke mid-way. A booking is never sent twice.
 * With one origin there is nothing to balance: no health checks, no retries.
 */
export function createBalancer(options: BalancerOptions): Balancer {
  const { origins, logger, name } = options;
  const pools = new Map(origins.map((origin) => [origin, new Pool(origin, options.pool)]));
  const down = new Set<string>();
  let next = 0;

  const healthy = () => {
    const up = origins.filter((origin) => !down.has(origin));
    // All red (Kafka down makes every replica unready): keep trying them all rather than none.
    return up.length > 0 ? up : [...origins];
  };
  const pick = (tried?: ReadonlySet<string>) => {
    if (origins.length === 1) return origins[0]!;
    const healthyOnes = healthy();
    const fresh = tried ? healthyOnes.filter((origin) => !tried.has(origin)) : healthyOnes;
    const untried = tried ? origins.filter((origin) => !tried.has(origin)) : [];
    const candidates = fresh.length > 0 ? fresh : untried.length > 0 ? untried : healthyOnes;
    next = (next + 1) % candidates.length;
    return candidates[next]!;
  };
  const markDown = (origin: string, reason: string) => {
    if (origins.length < 2 || down.has(origin)) return;
    down.add(origin);
    logger.warn({ upstream: name, origin, reason }, 'upstream replica out of rotation');
  };
  const markUp = (origin: string) => {
    if (down.delete(origin)) logger.info({ upstream: name, origin }, 'upstream replica back in rotation');
  };

  const checks = origins.length > 1 ? setInterval(() => void checkAll(), options.healthIntervalMs) : undefined;
  checks?.unref();
  const checkAll = () =>
    Promise.all(
      origins.map(async (origin) => {
        try {
          const response = await fetch(`${origin}/health/ready`, { signal: AbortSignal.timeout(options.healthTimeoutMs) });
          await response.body?.cancel();
          if (response.ok) markUp(origin);
          else markDown(origin, `readiness ${response.status}`);
        } catch (error) {
          markDown(origin, error instanceof Error ? error.message : String(error));
        }
      }),
    );

  const only = origins.length === 1 ? pools.get(origins[0]!)! : undefined;
  const request = (requestOptions: RequestOptions, callback: RequestCallback) => {
    const { origin: _ignored, ...rest } = requestOptions;
    // One replica (the usual local setup): nothing to choose, nowhere else to go.
    if (only) return only.request(rest, callback);
    const tried = new Set<string>();
    const attempt = () => {
      const origin = pick(tried);
      tried.add(origin);
      const elsewhere = (reason: string) => {
        markDown(origin, reason);
        attempt();
      };
      pools.get(origin)!.request(rest, (error, data) => {
        const othersLeft = tried.size < origins.length;
        if (error) {
          const code = codeOf(error);
          const again = notSentCodes.has(code) || (brokenCodes.has(code) && readMethods.has(String(rest.method)));
          return again && othersLeft ? elsewhere(code) : callback(error);
        }
        if (othersLeft && isClosingAnswer(data!)) {
          data!.body.resume();
          return elsewhere('closing');
        }
        callback(null, data);
      });
    };
    attempt();
  };

  return {
    name,
    origins,
    request,
    pick,
    healthy,
    async close() {
      if (checks) clearInterval(checks);
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}

function codeOf(error: unknown): string {
  for (let current = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (notSentCodes.has(code) || brokenCodes.has(code))) return code;
  }
  return '';
}

/**
 * Fastify answers a request that reaches a closing server with this 503 before any route runs
 * (return503OnClosing): the request was not handled, so it may go to another replica.
 */
function isClosingAnswer(data: Dispatcher.ResponseData): boolean {
  return data.statusCode === 503 && data.headers.connection === 'close' && data.headers['content-length'] === '80';
}
