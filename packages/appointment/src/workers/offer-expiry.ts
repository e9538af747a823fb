import type { Database } from '../db/database.js';
import { expireOffers } from '../domain/waitlist.js';

export interface OfferExpiry {
  stop(): Promise<void>;
}

interface Logger {
  error(context: object, message: string): void;
}

/**
 * Looks for lapsed waitlist offers every intervalMs. The schedule lives in the database (the
 * offer's expiry), not in timers: a restart or a second replica loses and doubles nothing.
 */
export function startOfferExpiry(db: Database, intervalMs: number, logger: Logger): OfferExpiry {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        // A full batch means more may be waiting: go on at once.
        while ((await expireOffers(db)) === 50);
      } catch (error) {
        logger.error({ err: error }, 'waitlist: expiring offers failed; retrying next round');
      }
    })();
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
