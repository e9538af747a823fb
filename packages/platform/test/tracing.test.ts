import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { statementName } from '../src/tracing/db-spans.js';
import { contextOf, markTracingStarted, traceparentOf } from '../src/tracing/spans.js';

describe('tracing helpers', () => {
  it('names a statement by its operation and first table, never by its values', () => {
    expect(statementName('select "id", "name" from "patients" where "patients"."id" = $1').name).toBe('select patients');
    expect(statementName('insert into outbox (id, topic) values ($1, $2)').name).toBe('insert outbox');
    expect(statementName('update "appointments" set "status" = $1 where "id" = $2').name).toBe('update appointments');
    expect(statementName('with "inserted" as (insert into "appointments" values ($1)) select * from "inserted"').name).toBe('with appointments');
    expect(statementName("select 'Jane Doe' as name").name).toBe('select');
  });

  it('carries a traceparent through an outbox row and back, and refuses a malformed one', () => {
    markTracingStarted(async () => undefined);
    const written = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const parent = contextOf(written)!;
    expect(trace.getSpanContext(parent)).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(traceparentOf(parent)).toBe(written);
    for (const bad of [undefined, null, '', 'garbage', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']) {
      expect(contextOf(bad), String(bad)).toBeUndefined();
    }
    // Outside any span there is nothing to store.
    expect(traceparentOf()).toBeNull();
  });
});
