import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { doctorGrpc } from '@pms/contracts';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError, badInput, notFound } from '../src/errors.js';
import { createGrpcClient, startGrpcServer, unary, type GrpcClient, type GrpcServerHandle } from '../src/grpc/index.js';

const doctor: doctorGrpc.Doctor = {
  id: 'd-1',
  name: 'Dr. Ada',
  email: 'ada@example.com',
  phone: '+100',
  specialty: 'cardiology',
  active: true,
  timeZone: 'Europe/Berlin',
};

/** A doctor service double: the request id picks the behaviour. */
function doctorDouble(seen: { requestIds: string[]; aborted: string[] }): doctorGrpc.DoctorServiceServer {
  return {
    getDoctor: unary(async (request, context) => {
      seen.requestIds.push(context.requestId);
      context.signal.addEventListener('abort', () => seen.aborted.push(request.id));
      switch (request.id) {
        case 'missing':
          throw notFound(`Doctor ${request.id} not found`, 'DOCTOR_NOT_FOUND');
        case 'bad':
          throw badInput('Invalid id', [{ field: 'id', message: 'must be a uuid — not "bad"' }]);
        case 'zod':
          z.object({ id: z.uuid() }).parse(request);
          break;
        case 'boom':
          throw new Error('password=hunter2 at db.ts:42');
        case 'slow':
          // Past the caller's deadline; ends when the call is cancelled, so the server closes at once.
          await sleep(1_500, undefined, { signal: context.signal }).catch(() => undefined);
      }
      return { doctor: { ...doctor, id: request.id } };
    }),
    checkAvailability: unary(async (request) => ({ available: request.doctorId === doctor.id, reason: '', doctor, location: undefined, candidates: [] })),
  };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const start = (seen: { requestIds: string[]; aborted: string[] }, port = 0) =>
  startGrpcServer({
    host: '127.0.0.1',
    port,
    logger,
    shutdownTimeoutMs: 300,
    services: [{ definition: doctorGrpc.DoctorServiceService, implementation: doctorDouble(seen) }],
  });

describe('gRPC server and client', () => {
  const seen = { requestIds: [] as string[], aborted: [] as string[] };
  let server: GrpcServerHandle;
  let client: GrpcClient<doctorGrpc.DoctorServiceService>;

  beforeAll(async () => {
    server = await start(seen);
    client = createGrpcClient(doctorGrpc.DoctorServiceClient, `127.0.0.1:${server.port}`, { peerName: 'doctor' });
  });
  afterAll(async () => {
    client.close();
    await server.stop();
  });

  it('answers a call and propagates the request id', async () => {
    expect(server.port).toBeGreaterThan(0);
    const response = await client.call('getDoctor', { id: 'd-7' }, { requestId: 'req-123' });
    expect(response.doctor).toMatchObject({ id: 'd-7', timeZone: 'Europe/Berlin' });
    expect(seen.requestIds.at(-1)).toBe('req-123');
    const availability = await client.call('checkAvailability', { doctorId: 'd-1', startsAt: '', endsAt: '', required: [] }, { requestId: 'r' });
    expect(availability.available).toBe(true);
    // @ts-expect-error: only the service's methods exist, with their own request types
    await expect(client.call('bookDoctor', { id: 'x' }, { requestId: 'r' })).rejects.toThrow();
  });

  it('a request without x-request-id gets a fresh one', async () => {
    const raw = new doctorGrpc.DoctorServiceClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
    await new Promise((resolve, reject) => raw.getDoctor({ id: 'x' }, (error, res) => (error ? reject(error) : resolve(res))));
    raw.close();
    expect(seen.requestIds.at(-1)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('NOT_FOUND becomes a 404, or a 422 when the caller says so, keeping the code', async () => {
    const error = await rejection(client.call('getDoctor', { id: 'missing' }, { requestId: 'r' }));
    expect(error).toMatchObject({ kind: 'NOT_FOUND', statusCode: 404, code: 'DOCTOR_NOT_FOUND', message: 'Doctor missing not found' });
    const in422 = await rejection(client.call('getDoctor', { id: 'missing' }, { requestId: 'r', notFoundAs: 'UNPROCESSABLE' }));
    expect(in422).toMatchObject({ kind: 'UNPROCESSABLE', statusCode: 422, code: 'DOCTOR_NOT_FOUND' });
  });

  it('INVALID_ARGUMENT becomes a 400 with the field issues', async () => {
    const error = await rejection(client.call('getDoctor', { id: 'bad' }, { requestId: 'r' }));
    expect(error).toMatchObject({ kind: 'BAD_INPUT', statusCode: 400, code: 'BAD_INPUT' });
    expect(error.details).toEqual([{ field: 'id', message: 'must be a uuid — not "bad"' }]);
    const zodError = await rejection(client.call('getDoctor', { id: 'zod' }, { requestId: 'r' }));
    expect(zodError).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ field: 'id' }] });
  });

  it('an unexpected throw is INTERNAL, logged, and leaks nothing', async () => {
    logger.error.mockClear();
    const error = await rejection(client.call('getDoctor', { id: 'boom' }, { requestId: 'req-boom' }));
    expect(error).toMatchObject({ kind: 'INTERNAL', statusCode: 500 });
    const wire = error.cause as ServiceError;
    expect(wire.details).toBe('Internal server error');
    expect(JSON.stringify([error.message, wire.details, wire.metadata.getMap()])).not.toMatch(/hunter2|db\.ts/);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ requestId: 'req-boom', method: '/doctor.v1.DoctorService/GetDoctor' }),
      'gRPC handler failed',
    );
  });

  it('a call past its deadline is a 503 at about the deadline, and the handler sees the abort', async () => {
    const started = Date.now();
    const error = await rejection(client.call('getDoctor', { id: 'slow' }, { requestId: 'r', deadlineMs: 200 }));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ kind: 'UNAVAILABLE', statusCode: 503, code: 'DEPENDENCY_TIMEOUT', message: 'doctor did not answer within 200 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(700);
    await vi.waitFor(() => expect(seen.aborted).toContain('slow'));
  });

  it('the health service answers SERVING, and follows setServing', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
    await expect(client.ping({ service: '' })).resolves.toBeUndefined();
    server.setServing('doctor.v1.DoctorService', false);
    const error = await rejection(client.ping());
    expect(error).toMatchObject({ statusCode: 503, message: 'doctor is not serving (NOT_SERVING)' });
    server.setServing('doctor.v1.DoctorService', true);
    await expect(client.ping()).resolves.toBeUndefined();
    expect(await rejection(client.ping({ service: 'nope.v1.Nope' }))).toMatchObject({ statusCode: 503 });
  });
});

describe('a peer that is down', () => {
  it('fails fast with a 503 naming the peer, then recovers when the peer comes up', async () => {
    const port = await freePort();
    const client = createGrpcClient(doctorGrpc.DoctorServiceClient, `127.0.0.1:${port}`, { peerName: 'doctor', deadlineMs: 5_000 });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const started = Date.now();
        const error = await rejection(client.call('getDoctor', { id: 'd-1' }, { requestId: 'r' }));
        expect(error).toMatchObject({ kind: 'UNAVAILABLE', statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'doctor is unavailable' });
        expect(Date.now() - started).toBeLessThan(1_000);
      }
      const started = Date.now();
      await expect(client.ping()).rejects.toMatchObject({ statusCode: 503 });
      expect(Date.now() - started).toBeLessThan(1_000);

      const server = await start({ requestIds: [], aborted: [] }, port);
      try {
        await vi.waitFor(() => client.call('getDoctor', { id: 'd-1' }, { requestId: 'r' }), { timeout: 5_000, interval: 200 });
        await expect(client.ping()).resolves.toBeUndefined();
      } finally {
        await server.stop();
      }
    } finally {
      client.close();
    }
  });
});

describe('stop()', () => {
  it('reports NOT_SERVING, then cuts calls still running after the timeout', async () => {
    const seen = { requestIds: [] as string[], aborted: [] as string[] };
    const server = await start(seen);
    const client = createGrpcClient(doctorGrpc.DoctorServiceClient, `127.0.0.1:${server.port}`, { peerName: 'doctor' });
    try {
      const inFlight = rejection(client.call('getDoctor', { id: 'slow' }, { requestId: 'r', deadlineMs: 5_000 }));
      // Stop only once the handler is really running.
      await vi.waitFor(() => expect(seen.requestIds).toContain('r'), { interval: 5 });
      const started = Date.now();
      await server.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await inFlight).toMatchObject({ statusCode: 503 });
      await expect(server.stop()).resolves.toBeUndefined();
    } finally {
      client.close();
    }
  });
});

describe('metadata', () => {
  it('is a real grpc-js Metadata in the handler context', async () => {
    let metadata: Metadata | undefined;
    const server = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      logger,
      services: [
        {
          definition: doctorGrpc.DoctorServiceService,
          implementation: {
            ...doctorDouble({ requestIds: [], aborted: [] }),
            checkAvailability: unary<doctorGrpc.CheckAvailabilityRequest, doctorGrpc.CheckAvailabilityResponse>(async (_request, context) => {
              metadata = context.metadata;
              return { available: false, reason: 'TIME_OFF', doctor: undefined, location: undefined, candidates: [] };
            }),
          },
        },
      ],
    });
    const client = createGrpcClient(doctorGrpc.DoctorServiceClient, `127.0.0.1:${server.port}`);
    try {
      const response = await client.call('checkAvailability', { doctorId: 'd', startsAt: '', endsAt: '', required: [] }, { requestId: 'req-m' });
      expect(response).toMatchObject({ available: false, reason: 'TIME_OFF' });
      expect(metadata?.get('x-request-id')).toEqual(['req-m']);
      expect(client.peerName).toBe('doctor.v1.DoctorService');
    } finally {
      client.close();
      await server.stop();
    }
  });
});
