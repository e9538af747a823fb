import closeWithGrace from 'close-with-grace';

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
