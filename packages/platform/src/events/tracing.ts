import { context, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import { SpanKind, contextOf, endWith, formatTraceparent, platformTracer, spanContextOf, tracingStarted, withSpan } from '../tracing/spans.js';

/**
 * The trace follows the events (OpenTelemetry's messaging conventions). The relay publishes
 * each outbox row in a `publish` span, child of the request that wrote the row, and sends that
 * span as the message's traceparent header. A consumer applies a batch in one `process` span: a
 * child of its event when it holds one, else a span of its own linking every event, and each
 * event's trace then gets a `process <type>` span too (Zipkin draws no links). So a booking's
 * trace shows the invoice, the analytics row and the email that followed.
 */

export interface PublishedRow {
  id: string;
  topic: string;
  type: string;
  traceparent: string | null;
}

export interface PublishSpans {
  /** The Kafka headers that carry the row's publish span (none for a row without a trace). */
  headersOf(row: PublishedRow): Record<string, string>;
  /** Ends every span with the send's outcome. */
  end(sent: Promise<unknown>): Promise<void>;
}

const noHeaders = {};

/** Spans for the rows of one relay batch. */
export function publishSpans(rows: PublishedRow[]): PublishSpans {
  const spans = new Map<string, Span>();
  if (tracingStarted()) {
    for (const row of rows) {
      const parent = contextOf(row.traceparent);
      if (!parent) continue;
      const attributes = { ...messaging(row.topic, 'send'), 'messaging.message.id': row.id, 'pms.event.type': row.type };
      spans.set(row.id, platformTracer().startSpan(`publish ${row.topic}`, { kind: SpanKind.PRODUCER, attributes }, parent));
    }
  }
  return {
    headersOf(row) {
      const span = spans.get(row.id);
      const traceparent = span && formatTraceparent(span.spanContext());
      return traceparent ? { traceparent } : noHeaders;
    },
    async end(sent) {
      await Promise.all([...spans.values()].map((span) => endWith(span, sent).catch(() => undefined)));
    },
  };
}

const messaging = (topic: string, operation: 'send' | 'process') => ({
  'messaging.system': 'kafka',
  'messaging.destination.name': topic,
  'messaging.operation.type': operation,
});

export interface ConsumedEvent {
  id: string;
  type: string;
  topic: string;
  /** The message's traceparent header. */
  traceparent: string | undefined;
  /** The decoded event the handlers receive: what inEventTrace and eventTraceparent look up. */
  source: object;
}

/**
 * Each event's own `process` span while its batch is applied, by the event object the handlers
 * receive. Weak: an event applied is forgotten with it.
 */
const eventSpans = new WeakMap<object, Context>();

/**
 * Runs a handler in its event's `process` span, so what it writes to the outbox (a waitlist offer
 * after a cancellation) joins the trace of the request that caused the event, also when the
 * event came in a batch of many.
 */
export function inEventTrace<T>(event: object, work: () => T): T {
  const span = eventSpans.get(event);
  return span ? context.with(span, work) : work();
}

/**
 * The traceparent of the event's `process` span, for work that happens later and stores it (a
 * reminder row): that work then joins the trace of the booking that caused it. Null untraced.
 */
export function eventTraceparent(event: object): string | null {
  const span = eventSpans.get(event);
  const spanContext = span && trace.getSpanContext(span);
  return spanContext ? formatTraceparent(spanContext) : null;
}

/**
 * Runs `apply` (the batch's transaction) in the batch's `process` span; the effects it writes to
 * the outbox carry that span on. Spans end with apply's outcome.
 */
export async function inProcessSpan<T>(groupId: string, events: ConsumedEvent[], apply: () => Promise<T>): Promise<T> {
  if (!tracingStarted() || events.length === 0) return apply();
  const tracer = platformTracer();
  const traced = events.flatMap((event) => {
    const parent = contextOf(event.traceparent);
    return parent ? [{ event, parent }] : [];
  });
  const attributes = { ...messaging(events[0]!.topic, 'process'), 'messaging.consumer.group.name': groupId, 'messaging.batch.message_count': events.length };
  const single = events.length === 1 ? traced[0] : undefined;
  if (single) {
    const span = tracer.startSpan(`process ${single.event.type}`, { kind: SpanKind.CONSUMER, attributes: { ...attributes, 'messaging.message.id': single.event.id } }, single.parent);
    eventSpans.set(single.event.source, trace.setSpan(context.active(), span));
    return endWith(span, withSpan(span, apply));
  }
  const links: Link[] = traced.map(({ parent }) => ({ context: spanContextOf(parent) }));
  const batch = tracer.startSpan(`process ${events.length} events`, { kind: SpanKind.CONSUMER, attributes, links });
  const perEvent = traced.map(({ event, parent }) =>
    tracer.startSpan(`process ${event.type}`, {
      kind: SpanKind.CONSUMER,
      attributes: { ...attributes, 'messaging.message.id': event.id },
      links: [{ context: batch.spanContext() }],
    }, parent),
  );
  traced.forEach(({ event }, index) => eventSpans.set(event.source, trace.setSpan(context.active(), perEvent[index]!)));
  const outcome = withSpan(batch, apply);
  await Promise.all(perEvent.map((span) => endWith(span, outcome).catch(() => undefined)));
  return endWith(batch, outcome);
}

/**
 * Work done later on behalf of requests whose traceparent a row stored (reminders coming due):
 * one `name` span in each of those traces, so the booking's trace shows its reminder days later.
 * With one trace the span is active (the work's statements and outbox rows become its children);
 * with several, each gets its span and the work runs in none of them.
 */
export async function inStoredTraces<T>(name: string, traceparents: (string | null | undefined)[], work: () => Promise<T>): Promise<T> {
  if (!tracingStarted()) return work();
  const parents = traceparents.flatMap((traceparent) => contextOf(traceparent) ?? []);
  if (parents.length === 0) return work();
  const tracer = platformTracer();
  const spans = parents.map((parent) => tracer.startSpan(name, { kind: SpanKind.INTERNAL }, parent));
  const outcome = spans.length === 1 ? withSpan(spans[0]!, work) : work();
  await Promise.all(spans.map((span) => endWith(span, outcome).catch(() => undefined)));
  return outcome;
}
