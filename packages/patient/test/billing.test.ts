import { billingGrpc, topics } from '@pms/contracts';
import { createKafka, startGrpcServer, unary, unavailable, type GrpcServerHandle } from '@pms/platform';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { call, patientInput, startPatientService, userOf, type TestService } from './support.js';

type Seen = { request: billingGrpc.CreateBillingAccountRequest; requestId: string };

/** A BillingService double: the patient's name picks the behaviour (slow until the caller gives up, down, or fine). */
function billingDouble(seen: Seen[]): billingGrpc.BillingServiceServer {
  return {
    createBillingAccount: unary(async (request, context) => {
      seen.push({ request, requestId: context.requestId });
      if (request.name.startsWith('Slow')) await sleep(2_000, undefined, { signal: context.signal }).catch(() => undefined);
      if (request.name.startsWith('Broken')) throw unavailable('billing database is down');
      const account = { id: randomUUID(), patientId: request.patientId, name: request.name, email: request.email, status: 'ACTIVE', createdAt: new Date().toISOString() };
      return { account, created: true };
    }),
    getBillingAccount: unary(async () => ({ account: undefined })),
  };
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };
const seen: Seen[] = [];
let billing: GrpcServerHandle;
let service: TestService;
let staff: string;

beforeAll(async () => {
  billing = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    logger: silent,
    shutdownTimeoutMs: 100,
    services: [{ definition: billingGrpc.BillingServiceService, implementation: billingDouble(seen) }],
  });
  service = await startPatientService(`127.0.0.1:${billing.port}`);
  staff = userOf(service.tokens, 'staff').token;
});
afterAll(async () => {
  await service?.close();
  await billing?.stop();
});

const create = async (overrides: Record<string, unknown>, requestId = randomUUID()) => {
  const started = performance.now();
  const response = await call(service.app, 'POST', '/api/patients', staff, patientInput(overrides), requestId);
  return { response, elapsedMs: performance.now() - started, requestId };
};

describe('billing account on create', () => {
  it('opens the account over gRPC with the patient and the request id: billingStatus ACTIVE', async () => {
    const { response, requestId } = await create({ name: `Fine ${randomUUID().slice(0, 8)}` });
    expect(response.statusCode).toBe(201);
    const patient = response.json();
    expect(patient.billingStatus).toBe('ACTIVE');
    expect(seen.filter((entry) => entry.request.patientId === patient.id)).toEqual([
      { request: { patientId: patient.id, name: patient.name, email: patient.email }, requestId },
    ]);
    expect((await call(service.app, 'GET', `/api/patients/${patient.id}`, staff)).json().billingStatus).toBe('ACTIVE');
  });

  it('answers 201 PENDING within the deadline when billing is slow', async () => {
    const { response, elapsedMs } = await create({ name: `Slow ${randomUUID().slice(0, 8)}` });
    expect(response.statusCode).toBe(201);
    expect(response.json().billingStatus).toBe('PENDING');
    // Deadline 500 ms (BILLING_DEADLINE_MS default) plus the database work, far below billing's 2 s.
    expect(elapsedMs).toBeLessThan(1_500);
    expect(seen.some((entry) => entry.request.patientId === response.json().id)).toBe(true);
  });

  it('answers 201 PENDING when billing fails', async () => {
    const { response } = await create({ name: `Broken ${randomUUID().slice(0, 8)}` });
    expect(response.statusCode).toBe(201);
    expect(response.json().billingStatus).toBe('PENDING');
  });

  it('turns PENDING into ACTIVE when billing announces BillingAccountCreated', async () => {
    const { response } = await create({ name: `Broken ${randomUUID().slice(0, 8)}` });
    const patient = response.json();
    expect(patient.billingStatus).toBe('PENDING');

    // The billing-events consumer has joined (billing itself is down here, so only that check counts).
    await vi.waitFor(async () => expect((await service.app.inject({ url: '/health/ready' })).json().checks.consumer).toBe('ok'), {
      timeout: 30_000,
    });
    const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'patient-billing-test', logger: { ...silent, debug: () => {} } });
    const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const event = {
        id: randomUUID(),
        type: 'BillingAccountCreated',
        version: 1,
        occurredAt: new Date().toISOString(),
        source: 'billing',
        subject: patient.id,
        data: { accountId: randomUUID(), patientId: patient.id, name: patient.name, email: patient.email },
        requestId: null,
      };
      await producer.send({ topic: topics.billing, messages: [{ key: patient.id, value: JSON.stringify(event) }] });
    } finally {
      await producer.disconnect();
    }

    await expect
      .poll(async () => (await call(service.app, 'GET', `/api/patients/${patient.id}`, staff)).json().billingStatus, { timeout: 20_000 })
      .toBe('ACTIVE');
  });
});
