import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { shutdownTracing } from './tracing/spans.js';

/**
 * For main.ts: runs `close` once on SIGINT/SIGTERM (or a fatal error), then exits (close-with-grace).
 * A second signal, or a close that takes longer than timeoutMs, exits at once with 1.
 */
export function closeOnSignals(
  close: () => Promise<void>,
  logger: { info(msg: string): void; error(obj: unknown, msg?: string): void },
  timeoutMs = 10_000,
): void {
  closeWithGrace(
    {
      delay: timeoutMs,
      logger: { error: (message: unknown) => logger.error(message instanceof Error ? { err: message } : { message }, 'shutdown') },
      onTimeout: () => logger.error({ timeoutMs }, 'shutdown took too long, exiting'),
    },
    async ({ signal, err }) => {
      if (err) logger.error({ err }, 'fatal error, shutting down');
      logger.info(`shutting down (${signal ?? (err ? 'error' : 'exit')})`);
      await close();
      await shutdownTracing();
    },
  );
}

/** Runs main(); a ConfigError or any boot failure prints its message and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    if (!(error instanceof Error && error.name === 'ConfigError')) console.error(error);
    process.exit(1);
  });
}

/** Something main.ts opened and closes after the app: a database, a gRPC client, a transport. */
export interface Opened {
  close(): unknown;
}

/** envFragments.http, parsed. */
export interface ServeSettings {
  HOST: string;
  PORT: number;
  SHUTDOWN_DRAIN_MS?: number;
  SHUTDOWN_TIMEOUT_MS?: number;
}

/**
 * Listens on HOST:PORT and, on SIGINT/SIGTERM (closeOnSignals), shuts down gracefully: drains
 * first (readiness red, gRPC GOAWAY, requests still served for SHUTDOWN_DRAIN_MS, so balancers
 * move away), then closes the app (in-flight requests, calls and consumer batches finish), then
 * what main.ts opened, in the order given: whoever opened a dependency closes it.
 */
export async function serve(app: FastifyInstance, config: ServeSettings, ...opened: Opened[]): Promise<void> {
  const drainMs = config.SHUTDOWN_DRAIN_MS ?? 0;
  closeOnSignals(
    async () => {
      app.drain();
      if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
      await app.close();
      for (const dependency of opened) await dependency.close();
    },
    app.log,
    drainMs + (config.SHUTDOWN_TIMEOUT_MS ?? 15_000),
  );
  await app.listen({ host: config.HOST, port: config.PORT });
}
