import type { FastifyInstance } from 'fastify';

/** A readiness check: resolves when the dependency answers, throws otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds a check to /health/ready: what the service starts beside HTTP reports here too (runAlongside). */
    addReadinessCheck(name: string, check: ReadinessCheck): void;
  }
}

const checkTimeoutMs = 1_500;

export function installHealth(app: FastifyInstance, initialChecks: Record<string, ReadinessCheck>) {
  const checks = { ...initialChecks };
  app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck) => {
    checks[name] = check;
  });
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
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
