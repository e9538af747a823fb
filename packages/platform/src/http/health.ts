import type { FastifyInstance } from 'fastify';

/** A readiness check: resolves when the dependency answers, throws otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds a check to /health/ready: what the service starts beside HTTP reports here too (runAlongside). */
    addReadinessCheck(name: string, check: ReadinessCheck): void;
    /**
     * The first step of a graceful shutdown: /health/ready turns red (so balancers stop sending)
     * and what registered with onDrain starts draining (the gRPC server sends GOAWAY). Requests
     * are still served. Idempotent.
     */
    drain(): void;
    /** Runs when drain() is called (at once if it already was). */
    onDrain(listener: () => void): void;
    readonly draining: boolean;
  }
}

const checkTimeoutMs = 1_500;

export function installHealth(app: FastifyInstance, initialChecks: Record<string, ReadinessCheck>) {
  const checks = { ...initialChecks };
  let draining = false;
  const drainListeners: (() => void)[] = [];
  app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck) => {
    checks[name] = check;
  });
  app.decorate('draining', { getter: () => draining });
  app.decorate('onDrain', (listener: () => void) => {
    if (draining) listener();
    else drainListeners.push(listener);
  });
  app.decorate('drain', () => {
    if (draining) return;
    draining = true;
    for (const listener of drainListeners.splice(0)) listener();
  });
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    if (draining) return reply.code(503).send({ status: 'draining', checks: {} });
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check)] as const),
    );
    const ready = results.every(([, result]) => result === 'ok');
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) };
  });
}

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
