import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { parseEvent, patientGrpc, topics, type TypedEvent } from '@pms/contracts';
import { freePort } from '@pms/devstack';
import { billingGrpc } from '@pms/contracts';
import { createGrpcClient, createKafka, createServiceKafka, ensureTopics, type Database, type DatabaseHandle } from '@pms/platform';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { call, patientInput, startPatientService, userOf, type TestService } from './support.js';

let service: TestService;
let client: patientGrpc.PatientServiceClient;
let staff: string;

beforeAll(async () => {
  service = await startPatientService(`127.0.0.1:${await freePort()}`);
  staff = userOf(service.tokens, 'staff').token;
  client = new patientGrpc.PatientServiceClient(`127.0.0.1:${service.app.runtime.grpcPort}`, credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await service?.close();
});

function getPatient(id: string, via = client): Promise<patientGrpc.GetPatientResponse> {
  return new Promise((resolve, reject) =>
    via.getPatient({ id }, new Metadata(), { deadline: Date.now() + 2_000 }, (error, response) =>
      error ? reject(error) : resolve(response),
    ),
  );
}

const grpcError = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected the call to fail'),
    (error: ServiceError) => error,
  );

describe('gRPC patient.v1.PatientService/GetPatient', () => {
  it('returns the patient summary, with "" for what is unset', async () => {
    const { phone: _phone, address: _address, ...input } = patientInput();
    const patient = (await call(service.app, 'POST', '/api/patients', staff, input)).json();
    const response = await getPatient(patient.id);
    expect(response.patient).toEqual({
      id: patient.id,
      name: patient.name,
      email: patient.email,
      phone: '',
      address: '',
      dateOfBirth: patient.dateOfBirth,
      ownerUserId: '',
      registeredAt: patient.registeredAt,
    });
  });

  it("returns the owner's user id of a patient-owned record", async () => {
    const user = userOf(service.tokens, 'patient');
    const patient = (await call(service.app, 'POST', '/api/patients', user.token, patientInput({ email: user.email }))).json();
    const response = await getPatient(patient.id);
    expect(response.patient).toMatchObject({ id: patient.id, ownerUserId: user.sub, phone: patient.phone, address: patient.address });
  });

  it('answers NOT_FOUND for an unknown id and INVALID_ARGUMENT for a malformed one', async () => {
    const missing = await grpcError(getPatient(randomUUID()));
    expect(missing.code).toBe(status.NOT_FOUND);
    const malformed = await grpcError(getPatient('not-a-uuid'));
    expect(malformed.code).toBe(status.INVALID_ARGUMENT);
    const empty = await grpcError(getPatient(''));
    expect(empty.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('patient-events on Kafka', () => {
  let reader: Consumer;
  const received: { key: string | undefined; event: TypedEvent }[] = [];
  const eventsOf = (key: string) => received.filter((message) => message.key === key);

  beforeAll(async () => {
    const kafka = createKafka({
      brokers: inject('kafkaBrokers'),
      clientId: 'patient-events-test',
      logger: { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} },
    });
    // The relay creates the topic on its first publish; this reader may come first.
    await ensureTopics(kafka, [topics.patient]);
    // From the beginning with a fresh group: nothing this file publishes can be missed; other files' events are filtered out by key.
    reader = kafka.consumer({ groupId: `patient-events-test-${randomUUID()}`, maxWaitTimeInMs: 200 });
    await reader.connect();
    // Right after creation the broker may not serve the topic's metadata yet: retry until it does.
    await vi.waitFor(() => reader.subscribe({ topics: [topics.patient], fromBeginning: true }), { timeout: 20_000 });
    await reader.run({
      eachMessage: async ({ message }) => {
        const parsed = parseEvent(JSON.parse(message.value?.toString('utf8') ?? 'null'));
        if (!parsed.ok) throw new Error(parsed.reason);
        received.push({ key: message.key?.toString(), event: parsed.event });
      },
    });
  });
  afterAll(() => reader?.disconnect());

  it('publishes PatientCreated, PatientUpdated and PatientDeleted in order, keyed by patient id', async () => {
    const input = patientInput();
    const created = await call(service.app, 'POST', '/api/patients', staff, input, 'req-events-create');
    const patient = created.json();
    const changes = patientInput({ email: patient.email, name: 'Changed Name', address: null });
    await call(service.app, 'PUT', `/api/patients/${patient.id}`, staff, changes, 'req-events-update');
    await call(service.app, 'DELETE', `/api/patients/${patient.id}`, staff, undefined, 'req-events-delete');

    await vi.waitFor(() => expect(eventsOf(patient.id).length).toBeGreaterThanOrEqual(3), { timeout: 20_000 });
    const ours = eventsOf(patient.id);
    expect(ours).toHaveLength(3);
    expect(ours.map(({ event }) => [event.type, event.requestId])).toEqual([
      ['PatientCreated', 'req-events-create'],
      ['PatientUpdated', 'req-events-update'],
      ['PatientDeleted', 'req-events-delete'],
    ]);
    for (const { event } of ours) expect(event).toMatchObject({ subject: patient.id, source: 'patient', version: 1 });
    expect(ours[0]!.event.data).toEqual({
      patientId: patient.id,
      name: input.name,
      email: input.email,
      phone: input.phone,
      address: input.address,
      dateOfBirth: input.dateOfBirth,
      ownerUserId: null,
      registeredAt: patient.registeredAt,
      contactPreferences: { email: true, sms: false },
    });
    // Built by the update statement itself; the consent left out of the update stays.
    expect(ours[1]!.event.data).toMatchObject({ patientId: patient.id, name: 'Changed Name', address: null, contactPreferences: { email: true, sms: false } });
    expect(ours[2]!.event.data).toEqual({ patientId: patient.id });
  });

  it('announces a claim as PatientUpdated with the new owner', async () => {
    const user = userOf(service.tokens, 'patient');
    const existing = (await call(service.app, 'POST', '/api/patients', staff, patientInput({ email: user.email }))).json();
    const claimed = await call(service.app, 'POST', '/api/patients', user.token, patientInput({ email: user.email }), 'req-events-claim');
    expect(claimed.statusCode).toBe(200);
    await vi.waitFor(() => expect(eventsOf(existing.id).length).toBeGreaterThanOrEqual(2), { timeout: 20_000 });
    const ours = eventsOf(existing.id);
    expect(ours.map(({ event }) => event.type)).toEqual(['PatientCreated', 'PatientUpdated']);
    expect(ours[1]!.event).toMatchObject({ requestId: 'req-events-claim', data: { patientId: existing.id, ownerUserId: user.sub } });
  });

  it('publishes nothing for a change that was rejected', async () => {
    const patient = (await call(service.app, 'POST', '/api/patients', staff, patientInput())).json();
    const other = (await call(service.app, 'POST', '/api/patients', staff, patientInput())).json();
    const rejected = await call(service.app, 'PUT', `/api/patients/${patient.id}`, staff, patientInput({ email: other.email }));
    expect(rejected.statusCode).toBe(409);
    // A later accepted change of the same patient proves the relay has caught up past the rejected one.
    await call(service.app, 'DELETE', `/api/patients/${patient.id}`, staff);
    await vi.waitFor(() => expect(eventsOf(patient.id).map(({ event }) => event.type)).toContain('PatientDeleted'), { timeout: 20_000 });
    expect(eventsOf(patient.id).map(({ event }) => event.type)).toEqual(['PatientCreated', 'PatientDeleted']);
  });
});

/**
 * A handle on a server that is not there. Built by hand for a short reconnect backoff: with
 * postgres.js' default (up to 20 s, shared by the pool) every query would wait that long for
 * its ECONNREFUSED once the relay has retried a few times; connectDatabase does not set it yet.
 */
function downDatabase(url: string): DatabaseHandle {
  const sql = postgres(url, { max: 2, backoff: () => 0.05, connect_timeout: 2, onnotice: () => {} });
  return {
    db: drizzle(sql) as unknown as Database,
    sql,
    ping: async () => {
      await sql`select 1`;
    },
    close: () => sql.end({ timeout: 1 }),
    dedicatedConnection: () => postgres(url, { max: 1, backoff: () => 0.05, connect_timeout: 2, onnotice: () => {} }),
  };
}

describe('with the database down', () => {
  it('answers 503 over HTTP and UNAVAILABLE over gRPC, quickly', async () => {
    const downUrl = `postgres://postgres:postgres@127.0.0.1:${await freePort()}/patient`;
    const config = loadConfig({
      DATABASE_URL: downUrl,
      KAFKA_BROKERS: inject('kafkaBrokers'),
      KAFKA_GROUP_ID: `patient-test-${randomUUID()}`,
      AUTH_JWKS: JSON.stringify(service.tokens.jwks),
      LOG_LEVEL: 'silent',
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      BILLING_GRPC_URL: `127.0.0.1:${await freePort()}`,
    });
    const database = downDatabase(downUrl);
    const billing = createGrpcClient(billingGrpc.BillingServiceClient, config.BILLING_GRPC_URL);
    const app = await buildApp({ config, database, kafka: createServiceKafka(config, 'patient').kafka, billing });
    await app.ready();
    const downClient = new patientGrpc.PatientServiceClient(`127.0.0.1:${app.runtime.grpcPort}`, credentials.createInsecure());
    try {
      const started = performance.now();
      const list = await call(app, 'GET', '/api/patients', staff);
      expect(list.statusCode).toBe(503);
      expect(list.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
      const create = await call(app, 'POST', '/api/patients', staff, patientInput());
      expect(create.statusCode).toBe(503);
      const error = await grpcError(getPatient(randomUUID(), downClient));
      expect(error.code).toBe(status.UNAVAILABLE);
      expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      downClient.close();
      await app.close();
      billing.close();
      await database.close();
    }
  });
});
