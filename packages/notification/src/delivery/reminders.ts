import type { Database } from '@pms/platform';
import { queueDueReminders } from '../domain/reminders.js';

export interface ReminderScheduler {
  stop(): Promise<void>;
}

interface Logger {
  error(context: object, message: string): void;
}

const batch = 100;

/**
 * Every intervalMs, queues the reminders that came due. The schedule is rows in the database,
 * not timers: a restart picks up where it stopped, and replicas claim different rows.
 */
export function startReminderScheduler(db: Database, intervalMs: number, logger: Logger): ReminderScheduler {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = (async () => {
      try {
        // A full batch means more may be due: go on at once.
        while (!stopped && (await queueDueReminders(db, batch)) === batch);
      } catch (error) {
        logger.error({ err: error }, 'reminders: queueing due reminders failed; retrying next round');
      }
    })();
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
