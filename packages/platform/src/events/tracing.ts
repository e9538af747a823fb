import type { Link, Span } from '@opentelemetry/api';
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
  const outcome = withSpan(batch, apply);
  await Promise.all(perEvent.map((span) => endWith(span, outcome).catch(() => undefined)));
  return endWith(batch, outcome);
}
