import { randomUUID } from 'node:crypto';
import type { EventType, TypedEvent } from '@pms/contracts';
import { describe, expect, it } from 'vitest';
import type { Transaction } from '../src/db/database.js';
import { consumeInRuns, runEffect } from '../src/events/runs.js';

// Only the order and grouping matter here, so the events carry just what consumeInRuns reads.
const event = (type: EventType) => ({ id: randomUUID(), type }) as unknown as TypedEvent;
const tx = {} as Transaction;

describe('consumeInRuns', () => {
  it('applies each unbroken run in one call and every other event in its place', async () => {
    const calls: string[] = [];
    const { handleBatch: apply } = consumeInRuns(
      {
        AppointmentCancelled: async () => void calls.push('cancel'),
        PatientDeleted: async () => void calls.push('delete'),
      },
      [
        runEffect({ types: ['AppointmentBooked', 'AppointmentRescheduled'], apply: async (run) => void calls.push(`slots×${run.length}`) }),
        runEffect({ types: ['PatientCreated'], apply: async (run) => void calls.push(`contacts×${run.length}`) }),
      ],
    );
    await apply(
      [
        event('AppointmentBooked'),
        event('AppointmentRescheduled'),
        event('AppointmentCancelled'),
        event('AppointmentBooked'),
        event('PatientCreated'),
        event('PatientCreated'),
        event('InvoicePaid'), // no handler here: skipped (the run before it is applied first)
        event('PatientCreated'),
        event('PatientDeleted'),
      ],
      tx,
    );
    expect(calls).toEqual(['slots×2', 'cancel', 'slots×1', 'contacts×2', 'contacts×1', 'delete']);
  });

  it('stops at the first failure, so the consumer retries the batch event by event', async () => {
    const applied: string[] = [];
    const { handleBatch: apply } = consumeInRuns({ AppointmentCancelled: async () => Promise.reject(new Error('database down')) }, [
      runEffect({ types: ['AppointmentBooked'], apply: async (run) => void applied.push(...run.map((booked) => booked.id)) }),
    ]);
    const first = event('AppointmentBooked');
    await expect(apply([first, event('AppointmentCancelled'), event('AppointmentBooked')], tx)).rejects.toThrow('database down');
    expect(applied).toEqual([first.id]);
  });

  it('gives every type a run effect takes a handler of its own: that effect, one event at a time', async () => {
    const applied: number[] = [];
    const booked = event('AppointmentBooked');
    const { handlers } = consumeInRuns({ AppointmentCancelled: async () => undefined }, [
      runEffect({ types: ['AppointmentBooked'], apply: async (run) => void applied.push(run.length) }),
    ]);
    expect(Object.keys(handlers).sort()).toEqual(['AppointmentBooked', 'AppointmentCancelled']);
    await handlers.AppointmentBooked!(booked as TypedEvent<'AppointmentBooked'>, tx);
    expect(applied).toEqual([1]);
  });
});
