// Latency at rest (issue 26): one user, one request at a time, through the gateway. Each kind of
// request is timed spaced (a pause after each, so the event chain it caused has drained) and
// back to back (the next request as soon as the answer arrives, while the chain still runs).
import type { BenchFixture } from './setup.js';
import { nthBooking } from './setup.js';

export interface RestLatency {
  request: string;
  mode: 'spaced' | 'back to back';
  samples: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

type Timed = () => Promise<number>;

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const round = (ms: number) => Math.round(ms * 10) / 10;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Times `op` `samples` times in a row; `spacedMs` > 0 pauses that long after each (untimed `prepare` runs before each, also untimed). */
async function series(name: string, mode: RestLatency['mode'], samples: number, spacedMs: number, op: (i: number) => Promise<Timed>): Promise<RestLatency> {
  const latencies: number[] = [];
  let errors = 0;
  for (let i = 0; i < samples; i++) {
    const run = await op(i);
    const started = performance.now();
    try {
      const status = await run();
      if (status >= 400) errors++;
      else latencies.push(performance.now() - started);
    } catch {
      errors++;
    }
    if (spacedMs > 0) await pause(spacedMs);
  }
  latencies.sort((a, b) => a - b);
  return { request: name, mode, samples, p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? NaN), errors };
}

/**
 * Read, list, create, book and cancel, each `samples` times one at a time: spaced `spacedMs`
 * apart, then back to back. Bookings use slots from `firstSlot` on (distinct from other scenarios').
 */
export async function latencyAtRest(fixture: BenchFixture, options: { samples: number; spacedMs: number; firstSlot: number }): Promise<RestLatency[]> {
  const { api, adminToken } = fixture;
  const run = Math.random().toString(36).slice(2, 8);
  let slot = options.firstSlot;
  const someone = fixture.patients[0]!.id;
  const book = () => {
    const { doctorId, patient, startsAt } = nthBooking(fixture, slot++);
    return api.post('/api/appointments', { patientId: patient.id, doctorId, startsAt, durationMinutes: 5 }, adminToken);
  };
  const ops: Record<string, (mode: string, spacedMs: number) => (i: number) => Promise<Timed>> = {
    read: () => async () => async () => (await api.get(`/api/patients/${someone}`, adminToken)).status,
    list: () => async () => async () => (await api.get('/api/patients?page=1&pageSize=20', adminToken)).status,
    create: (mode) => async (i) => async () =>
      (await api.post('/api/patients', { name: `Rest Patient ${i}`, email: `rest-${run}-${mode.replace(/ /g, '')}-${i}@bench.example`, dateOfBirth: '1980-01-01' }, adminToken)).status,
    booking: () => async () => async () => (await book()).status,
    cancel: (_mode, spacedMs) => async () => {
      // The booking to cancel is made first, untimed (and, spaced, left to drain); the cancel alone is measured.
      const booked = await book();
      if (spacedMs > 0) await pause(spacedMs);
      return async () => (booked.status === 201 ? (await api.post(`/api/appointments/${booked.body.id}/cancel`, { reason: 'bench' }, adminToken)).status : booked.status);
    },
  };
  const results: RestLatency[] = [];
  for (const [mode, spacedMs] of [['spaced', options.spacedMs], ['back to back', 0]] as const) {
    for (const [name, op] of Object.entries(ops)) {
      results.push(await series(name, mode, options.samples, spacedMs, op(mode, spacedMs)));
    }
  }
  return results;
}
