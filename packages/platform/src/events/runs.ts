import type { EventType, TypedEvent } from '@pms/contracts';
import type { Transaction } from '../db/database.js';
import type { EventHandler, EventHandlers } from './consumer.js';
import { inEventTrace } from './tracing.js';

/** An effect that takes many events of its types at once (one multi-row statement, say). */
export interface RunEffect<T extends EventType = EventType> {
  types: readonly T[];
  apply(events: TypedEvent<T>[], tx: Transaction): Promise<unknown>;
}

/** Keeps the effect's event type for its `apply` while the list of effects mixes types. */
export const runEffect = <T extends EventType>(effect: RunEffect<T>): RunEffect => effect as unknown as RunEffect;

/** What a consumer takes (ConsumerOptions' `handlers` and `handleBatch`). */
export interface EventsInRuns {
  handlers: EventHandlers;
  handleBatch: (events: TypedEvent[], tx: Transaction) => Promise<void>;
}

/**
 * A consumer's handlers from its per-event handlers and its run effects. `handleBatch` applies each
 * unbroken run of events one effect takes in one call, and every other event by its handler in its
 * place in the order, so a cancellation never overtakes the booking before it. `handlers` gains,
 * for every type an effect takes, that effect applied to one event: the consumer hands a batch only
 * events that have a handler, and retries a failed batch one event at a time through them.
 */
export function consumeInRuns(handlers: EventHandlers, effects: RunEffect[]): EventsInRuns {
  const effectOf = new Map<EventType, RunEffect>(effects.flatMap((effect) => effect.types.map((type) => [type, effect] as const)));
  const oneAtATime = Object.fromEntries(
    [...effectOf].map(([type, effect]) => [type, (event: TypedEvent, tx: Transaction) => effect.apply([event], tx)]),
  ) as EventHandlers;
  const handleBatch = async (events: TypedEvent[], tx: Transaction): Promise<void> => {
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
      else await inEventTrace(event, () => (handlers[event.type] as EventHandler<EventType> | undefined)?.(event, tx));
    }
    await flush();
  };
  return { handlers: { ...handlers, ...oneAtATime }, handleBatch };
}
