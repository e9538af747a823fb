import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDefaults, freePort, startZipkin, type Zipkin } from '@pms/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayClient, type GatewayClient } from '../src/client.js';
import { eventually } from '../src/eventually.js';
import { startTestSystem, type TestSystem } from '../src/system.js';

// One booking, seen as an operator sees it: one trace in Zipkin from the gateway through
// appointment, its two gRPC calls, the outbox relay and the consumers the event reaches.
let zipkin: Zipkin;
let running: TestSystem;
let api: GatewayClient;

beforeAll(async () => {
  zipkin = await startZipkin({ port: await freePort(), logFile: join(mkdtempSync(join(tmpdir(), 'pms-zipkin-')), 'zipkin.log') });
  // Tracing as deployed (the default sampler): the booking's own sampled traceparent makes it kept.
  running = await startTestSystem('e2et', { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
    // A reminder every minute from 40 s to 340 s ahead: a booking on the 5-minute grid at least a
    // minute out has one coming due within a minute of being booked.
    REMINDER_OFFSETS: [40, 100, 160, 220, 280, 340].map((seconds) => `${seconds}s`).join(','),
    // The machine is shared: a slow start or upstream waits rather than failing.
    UPSTREAM_TIMEOUT_MS: '20000',
    DATABASE_QUERY_TIMEOUT_MS: '5000',
  });
  api = gatewayClient(running.system.gatewayUrl);
});

afterAll(async () => {
  await running?.stop();
  await zipkin?.stop();
});

interface ZipkinSpan {
  id: string;
  parentId?: string;
  name: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  localEndpoint: { serviceName: string };
  tags?: Record<string, string>;
}

const spansOf = (trace: ZipkinSpan[], service: string) => trace.filter((span) => span.localEndpoint.serviceName === service);

/** A traceparent of a trace of the caller's own, sampled: the id to look the trace up by, and the header. */
function callerTrace() {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

/** The trace once Zipkin holds a span that `wanted` accepts (services export in batches). */
async function traceWith(traceId: string, what: string, wanted: (span: ZipkinSpan) => boolean, timeoutMs = 60_000): Promise<ZipkinSpan[]> {
  let seen: ZipkinSpan[] = [];
  return eventually(what, async () => {
    const response = await fetch(`${zipkin.url}/api/v2/trace/${traceId}`);
    if (!response.ok) return undefined;
    seen = (await response.json()) as ZipkinSpan[];
    return seen.some(wanted) ? seen : undefined;
  }, timeoutMs).catch((error: unknown) => {
    const summary = seen.map((span) => `${span.localEndpoint.serviceName} ${span.kind ?? ''} ${span.name}`).join('\n');
    throw new Error(`${(error as Error).message}; the trace so far:\n${summary}`);
  });
}

/** A doctor open every day around the clock on a 5-minute grid, in UTC. */
async function openDoctor(admin: string, name: string): Promise<string> {
  const doctor = await api.post('/api/doctors', { name, email: `${name.replace(/\W/g, '').toLowerCase()}-${randomUUID().slice(0, 8)}@e2e.example`, specialty: 'CARDIOLOGY' }, admin);
  expect(doctor.status).toBe(201);
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:55' }));
  expect((await api.put(`/api/doctors/${doctor.body.id}/schedule`, { timeZone: 'UTC', slotMinutes: 5, hours }, admin)).status).toBe(200);
  return doctor.body.id as string;
}

async function newPatient(admin: string, name: string): Promise<string> {
  const patient = await api.post('/api/patients', { name, email: `${name.replace(/\W/g, '').toLowerCase()}-${randomUUID().slice(0, 8)}@e2e.example`, dateOfBirth: '1980-01-02' }, admin);
  expect(patient.status).toBe(201);
  return patient.body.id as string;
}

/** Sends `body` through the gateway in the caller's trace, until the peers know the new doctor and patient. */
const sendTraced = (path: string, body: object, admin: string, traceparent: string, expected: number) =>
  eventually(`${path} answered ${expected}`, async () => {
    const response = await fetch(`${running.system.gatewayUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', traceparent },
      body: JSON.stringify(body),
    });
    return response.status === expected ? ((await response.json()) as { id: string }) : undefined;
  });

const fiveMinutes = 5 * 60_000;

describe('tracing', () => {
  it('a booking through the gateway is one trace in Zipkin, down to the invoice, the email and the analytics row', async () => {
    const admin = await api.login(demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);
    const doctor = await api.post('/api/doctors', { name: 'Dr. Trace', email: `trace-${randomUUID().slice(0, 8)}@e2e.example`, specialty: 'CARDIOLOGY' }, admin);
    expect(doctor.status).toBe(201);
    const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:55' }));
    expect((await api.put(`/api/doctors/${doctor.body.id}/schedule`, { timeZone: 'UTC', slotMinutes: 5, hours }, admin)).status).toBe(200);
    const patient = await api.post('/api/patients', { name: 'Tracy Trace', email: `tracy-${randomUUID().slice(0, 8)}@e2e.example`, dateOfBirth: '1980-01-02' }, admin);
    expect(patient.status).toBe(201);

    // A caller that traces (a browser, another system) sends its traceparent; the trace is its own.
    const traceId = randomBytes(16).toString('hex');
    const startsAt = new Date(Math.ceil((Date.now() + 3 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
    const booked = await eventually('the booking (peers see the new doctor and patient)', async () => {
      const response = await fetch(`${running.system.gatewayUrl}/api/appointments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
        body: JSON.stringify({ patientId: patient.body.id, doctorId: doctor.body.id, startsAt }),
      });
      return response.status === 201 ? response : undefined;
    });
    expect(booked.status).toBe(201);

    // Zipkin has the trace once every service has exported its part (batched, within seconds).
    const wanted = ['gateway', 'appointment', 'patient', 'doctor', 'billing', 'notification', 'analytics'];
    let seen: ZipkinSpan[] = [];
    const trace = await eventually('the whole trace in Zipkin', async () => {
      const response = await fetch(`${zipkin.url}/api/v2/trace/${traceId}`);
      if (!response.ok) return undefined;
      const spans = (seen = (await response.json()) as ZipkinSpan[]);
      const services = new Set(spans.map((span) => span.localEndpoint.serviceName));
      const consumers = ['billing', 'notification', 'analytics'].every((service) => spansOf(spans, service).some((span) => span.kind === 'CONSUMER'));
      return wanted.every((service) => services.has(service)) && consumers ? spans : undefined;
    }, 60_000).catch((error: unknown) => {
      const summary = seen.map((span) => `${span.localEndpoint.serviceName} ${span.kind ?? ''} ${span.name}`).join('\n');
      throw new Error(`${(error as Error).message}; the trace so far:\n${summary}`);
    });

    const byId = new Map(trace.map((span) => [span.id, span]));
    // The gateway's server span, and appointment's under it (through the proxy's client span).
    expect(spansOf(trace, 'gateway').some((span) => span.kind === 'SERVER' && span.parentId === undefined) || spansOf(trace, 'gateway').some((span) => span.kind === 'SERVER')).toBe(true);
    const appointmentServer = spansOf(trace, 'appointment').find((span) => span.kind === 'SERVER');
    expect(appointmentServer, 'appointment served the proxied request').toBeDefined();
    expect(byId.get(appointmentServer!.parentId!)?.localEndpoint.serviceName).toBe('gateway');
    // Both gRPC calls: appointment's clients and the peers' servers.
    const grpcClients = spansOf(trace, 'appointment').filter((span) => span.kind === 'CLIENT' && /^grpc\./.test(span.name));
    for (const peer of ['patient', 'doctor']) {
      const server = spansOf(trace, peer).find((span) => span.kind === 'SERVER' && /^grpc\./.test(span.name));
      expect(server, `${peer}'s gRPC server span`).toBeDefined();
      expect(grpcClients.map((span) => span.id)).toContain(server!.parentId);
    }
    // PostgreSQL statements by name, never values.
    expect(spansOf(trace, 'appointment').some((span) => span.kind === 'CLIENT' && /^with |^insert |^select /.test(span.name))).toBe(true);
    // The relay's publish, and each consumer's processing under it.
    const publish = spansOf(trace, 'appointment').filter((span) => span.kind === 'PRODUCER' && span.name.startsWith('publish '));
    expect(publish.length).toBeGreaterThan(0);
    for (const service of ['billing', 'notification', 'analytics']) {
      const processed = spansOf(trace, service).filter((span) => span.kind === 'CONSUMER');
      expect(processed.some((span) => publish.some((sent) => sent.id === span.parentId)), `${service} processed under the relay's publish`).toBe(true);
    }
  });

  it('a reminder joins the trace of the booking that asked for it, a waitlist offer the trace of the cancellation that freed its slot', async () => {
    const admin = await api.login(demoDefaults.ADMIN_EMAIL, demoDefaults.ADMIN_PASSWORD);
    const doctorId = await openDoctor(admin, 'Dr. Remind');
    const [booker, waiting] = await Promise.all([newPatient(admin, 'Rhea Remind'), newPatient(admin, 'Walt Waiting')]);

    // Soon enough that one of the offsets comes due while the test waits.
    const soon = callerTrace();
    const soonStartsAt = new Date(Math.ceil((Date.now() + 60_000) / fiveMinutes) * fiveMinutes).toISOString();
    await sendTraced('/api/appointments', { patientId: booker, doctorId, startsAt: soonStartsAt }, admin, soon.traceparent, 201);

    // Tomorrow's visit is cancelled in a trace of its own; the waiting patient is offered its time.
    const laterStartsAt = new Date(Math.ceil((Date.now() + 86_400_000) / fiveMinutes) * fiveMinutes).toISOString();
    const later = await sendTraced('/api/appointments', { patientId: booker, doctorId, startsAt: laterStartsAt }, admin, callerTrace().traceparent, 201);
    const window = { from: new Date(Date.parse(laterStartsAt) - 3_600_000).toISOString(), to: new Date(Date.parse(laterStartsAt) + 3_600_000).toISOString() };
    expect((await api.post('/api/waitlist', { patientId: waiting, doctorId, ...window }, admin)).status).toBe(201);
    const cancellation = callerTrace();
    const cancelled = await fetch(`${running.system.gatewayUrl}/api/appointments/${later.id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', traceparent: cancellation.traceparent },
      body: JSON.stringify({ reason: 'traced' }),
    });
    expect(cancelled.status).toBe(200);

    // (Zipkin keeps span names in lower case.)
    // The offer: appointment's waitlist consumer announces it, notification emails it, in the cancellation's trace.
    const offerTrace = await traceWith(cancellation.traceId, 'the offer email in the cancellation trace', (span) =>
      span.localEndpoint.serviceName === 'notification' && span.name === 'process waitlistslotoffered');
    expect(spansOf(offerTrace, 'appointment').some((span) => span.kind === 'CONSUMER' && span.name === 'process appointmentcancelled')).toBe(true);

    // The reminder comes due up to a minute after the booking, days of it in production: its span is in the booking's trace.
    const remindTrace = await traceWith(soon.traceId, 'the reminder in the booking trace', (span) => span.localEndpoint.serviceName === 'notification' && span.name === 'remind', 180_000);
    const remind = remindTrace.find((span) => span.name === 'remind')!;
    const byId = new Map(remindTrace.map((span) => [span.id, span]));
    expect(byId.get(remind.parentId!), 'the reminder hangs under notification handling the booking').toMatchObject({ name: 'process appointmentbooked', kind: 'CONSUMER' });
  }, 300_000);
});
