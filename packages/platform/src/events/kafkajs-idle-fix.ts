import { createRequire } from 'node:module';

const patched = Symbol('pms.idleLoopFixed');

interface RequestQueue {
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
}

/**
 * kafkajs 2.2.4 (its last release) re-arms a timer with a negative delay whenever a broker
 * connection has nothing pending, so every idle connection checks its empty queue about a
 * thousand times a second (tulios/kafkajs#1556, #1704; the fix in #1667 was never released).
 * Each of our services burned 25-30 ms of CPU a second doing nothing. With nothing pending there
 * is nothing to schedule: `push` schedules the check when it queues a request, and every answer
 * runs it. Throttled queues keep kafkajs's own schedule.
 */
export function fixKafkajsIdleLoop(): void {
  const require = createRequire(import.meta.url);
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== '2.2.4') return; // another release: its own code, not ours to patch
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue & { [patched]?: true } };
  const queue = RequestQueue.prototype;
  if (queue[patched]) return;
  const schedule = queue.scheduleCheckPendingRequests;
  queue.scheduleCheckPendingRequests = function (this: RequestQueue) {
    if (this.pending.length === 0) return;
    schedule.call(this);
  };
  queue[patched] = true;
}
