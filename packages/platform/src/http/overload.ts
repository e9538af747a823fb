import type { FastifyInstance } from 'fastify';
import { performance } from 'node:perf_hooks';
import { unavailable } from '../errors.js';

export interface OverloadOptions {
  /** Past this event-loop delay, requests get a quick 503; 0 turns the guard off. */
  maxEventLoopDelayMs: number;
  /** How often the delay is sampled. */
  sampleMs?: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds?: number;
}

/**
 * Load shedding: while the event loop runs late by more than the limit, requests are answered
 * 503 at once instead of queueing until they time out; health probes still get through
 * (readiness reports the dependencies, not the load). The delay is how late a timer fires, sampled
 * a few times a second. @fastify/under-pressure keeps a 10 ms event-loop histogram instead, which
 * wakes every idle service a hundred times a second (8 ms of CPU a second each on our VMs).
 */
export function installOverloadGuard(app: FastifyInstance, options: OverloadOptions): void {
  const { maxEventLoopDelayMs, sampleMs = 250, retryAfterSeconds = 5 } = options;
  if (maxEventLoopDelayMs <= 0) return;
  let delayMs = 0;
  let expectedAt = performance.now() + sampleMs;
  const sampler = setInterval(() => {
    const now = performance.now();
    delayMs = Math.max(0, now - expectedAt);
    expectedAt = now + sampleMs;
  }, sampleMs).unref();
  app.addHook('onClose', (_app, done) => {
    clearInterval(sampler);
    done();
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (delayMs <= maxEventLoopDelayMs || request.url.startsWith('/health')) return done();
    reply.header('retry-after', String(retryAfterSeconds));
    done(unavailable(`Service overloaded (event loop ${Math.round(delayMs)} ms late), retry later`));
  });
}
