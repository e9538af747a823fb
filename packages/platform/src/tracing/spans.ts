import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, isSpanContextValid, trace, type Context, type Span, type SpanContext } from '@opentelemetry/api';

/**
 * What platform code needs to make spans of its own (database statements, the outbox relay, the
 * event consumer). Everything here is a no-op until register.ts has started the SDK, so a
 * service with OTEL_SDK_DISABLED=true pays one boolean test per call.
 */
let started = false;
let shutdown: () => Promise<void> = async () => {};

/** Called by sdk.ts once the SDK runs, with what sends the spans still queued. */
export function markTracingStarted(flush: () => Promise<void>): void {
  started = true;
  shutdown = flush;
}

/** At shutdown (closeOnSignals): the spans still queued go out, bounded by the exporter's timeout. */
export const shutdownTracing = (): Promise<void> => shutdown().catch(() => undefined);

export const tracingStarted = (): boolean => started;

export const platformTracer = () => trace.getTracer('@pms/platform');

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C traceparent of `ctx` (the active one by default), or null without a valid span. */
export function traceparentOf(ctx: Context = context.active()): string | null {
  if (!started) return null;
  const span = trace.getSpanContext(ctx);
  return span ? formatTraceparent(span) : null;
}

/** The W3C traceparent that makes `span` the parent, or null for an invalid one. */
export function formatTraceparent(span: SpanContext): string | null {
  if (!isSpanContextValid(span)) return null;
  return `00-${span.traceId}-${span.spanId}-${span.traceFlags.toString(16).padStart(2, '0')}`;
}

/** A context whose (remote) parent is `traceparent`; undefined for none or a malformed one. */
export function contextOf(traceparent: string | null | undefined): Context | undefined {
  const match = traceparent ? traceparentPattern.exec(traceparent) : null;
  if (!match) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: match[1]!, spanId: match[2]!, traceFlags: Number.parseInt(match[3]!, 16), isRemote: true });
}

const noFields = {};

/**
 * pino's mixin: a log line written inside a span carries its trace_id and span_id, also when the
 * trace is not sampled (its id still ties the lines of one request together across services).
 */
export function traceFields(): { trace_id?: string; span_id?: string } {
  if (!started) return noFields;
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : noFields;
}

/** Ends `span` with the outcome of `work`, and returns that outcome. */
export async function endWith<T>(span: Span, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

export { SpanKind };

/** Runs `work` with `span` as the active span (its statements and outbox rows become its children). */
export function withSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** The span context `ctx` carries (contextOf always sets one). */
export const spanContextOf = (ctx: Context): SpanContext => trace.getSpanContext(ctx)!;
