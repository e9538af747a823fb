/** The part of a pino logger the events module uses. */
export interface EventLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/**
 * kafkajs takes its logger when the client is made, in main.ts, before the service's own
 * logger exists (buildApp makes it). Hand kafkajs this one and `attach` app.log once built;
 * kafkajs logs nothing before the app connects in onReady.
 */
export function deferredLogger(): EventLogger & { attach(target: EventLogger): void } {
  let target: EventLogger | undefined;
  return {
    attach: (logger) => {
      target = logger;
    },
    error: (obj, msg) => target?.error(obj, msg),
    warn: (obj, msg) => target?.warn(obj, msg),
    info: (obj, msg) => target?.info(obj, msg),
    debug: (obj, msg) => target?.debug(obj, msg),
  };
}
