import { SpanKind, trace } from '@opentelemetry/api';
import { failed, platformTracer, tracingStarted } from './spans.js';

/**
 * postgres.js has no OpenTelemetry instrumentation: platform's database client makes a span per
 * statement itself, named by the statement (`insert outbox`, `select appointments`), never
 * with its values. Only inside a sampled span (a request, an event batch): background polls
 * that belong to no trace make none.
 */
export function tracedQuery<Q>(text: string, query: Q): Q {
  if (!tracingStarted() || !trace.getActiveSpan()?.isRecording()) return query;
  type Then = (onFulfilled?: (value: unknown) => unknown, onRejected?: (error: unknown) => unknown) => unknown;
  const pending = query as unknown as { then?: Then };
  if (typeof pending.then !== 'function') return query;
  const { name, operation, table } = statementName(text);
  const span = platformTracer().startSpan(name, {
    kind: SpanKind.CLIENT,
    attributes: { 'db.system.name': 'postgresql', 'db.operation.name': operation, ...(table ? { 'db.collection.name': table } : {}) },
  });
  const then = pending.then;
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    if (error !== undefined) failed(span, error);
    span.end();
  };
  // postgres.js runs a query when it is awaited: the span ends with its answer.
  pending.then = function (this: unknown, onFulfilled, onRejected) {
    return then.call(
      this,
      (value: unknown) => {
        end();
        return onFulfilled ? onFulfilled(value) : value;
      },
      (error: unknown) => {
        end(error);
        if (onRejected) return onRejected(error);
        throw error;
      },
    );
  };
  return query;
}

interface StatementName {
  name: string;
  operation: string;
  table?: string;
}

// Statement shapes are few and fixed (see database.ts), so their names are worked out once each.
const names = new Map<string, StatementName>();
const MAX_NAMES = 2_000;

/** `<operation> <first table>`, from the statement's text: its first word and what follows its first from/into/update. */
export function statementName(text: string): StatementName {
  const known = names.get(text);
  if (known) return known;
  const operation = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'query';
  const table = /\b(?:from|into|update)\s+"?([a-z_][\w]*)"?/i.exec(text)?.[1];
  const named = { name: table ? `${operation} ${table}` : operation, operation, table };
  if (names.size < MAX_NAMES) names.set(text, named);
  return named;
}
