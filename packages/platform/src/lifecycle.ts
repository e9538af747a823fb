/**
 * For main.ts: runs `close` once on SIGINT/SIGTERM (or a fatal error), then exits.
 * A second signal, or a close that takes too long, exits at once.
 */
export function closeOnSignals(
  close: () => Promise<void>,
  logger: { info(msg: string): void; error(obj: unknown, msg?: string): void },
  timeoutMs = 10_000,
): void {
  let closing = false;
  const shutdown = (reason: string, code: number) => {
    if (closing) process.exit(code || 1);
    closing = true;
    logger.info(`shutting down (${reason})`);
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long, exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => process.exit(code),
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT', 0));
  process.once('SIGTERM', () => shutdown('SIGTERM', 0));
  process.once('uncaughtException', (error) => {
    logger.error({ err: error }, 'uncaught exception');
    shutdown('uncaughtException', 1);
  });
  process.once('unhandledRejection', (error) => {
    logger.error({ err: error }, 'unhandled rejection');
    shutdown('unhandledRejection', 1);
  });
}

/** Runs main(); a ConfigError or any boot failure prints its message and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    if (!(error instanceof Error && error.name === 'ConfigError')) console.error(error);
    process.exit(1);
  });
}
