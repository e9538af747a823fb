import type { EventType, TypedEvent } from '@pms/contracts';
import type { Transaction } from '../db/database.js';
import type { EventHandler, EventHandlers } from './consumer.js';

/** An effect that takes many events of its types at once (one multi-row statement, say). */
export interface RunEffect<T extends EventType = EventType> {
  types: readonly T[];
  apply(events: TypedEvent<T>[], tx: Transaction): Promise<unknown>;
}

/** Keeps the effect's event type for its `apply` while the list of effects mixes types. */
export const runEffect = <T extends EventType>(effect: RunEffect<T>): RunEffect => effect as unknown as RunEffect;

/**
 * A consumer's `handleBatch` from its per-event handlers and its run effects: each unbroken run of
 * events one effect takes is applied in one call; every other event goes to its handler in its
 * place in the order, so a cancellation never overtakes the booking before it. The per-event
 * handlers stay what a failed batch is retried with, one event at a time.
 */
export function applyInRuns(handlers: EventHandlers, effects: RunEffect[]) {
  const effectOf = new Map<EventType, RunEffect>(effects.flatMap((effect) => effect.types.map((type) => [type, effect] as const)));
  return async (events: TypedEvent[], tx: Transaction): Promise<void> => {
    let run: { effect: RunEffect; events: TypedEvent[] } | undefined;
    const flush = async () => {
      if (run) await run.effect.apply(run.events, tx);
      run = undefined;
    };
    for (const event of events) {
      const effect = effectOf.get(event.type);
      if (effect && run?.effect === effect) {
        run.events.push(event);
        continue;
      }
      await flush();
      if (effect) run = { effect, events: [event] };
      else await (handlers[event.type] as EventHandler<EventType> | undefined)?.(event, tx);
    }
    await flush();
  };
}
