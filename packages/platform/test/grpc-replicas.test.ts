import { doctorGrpc } from '@pms/contracts';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGrpcClient, startGrpcServer, unary, type GrpcServerHandle } from '../src/grpc/index.js';

// Several replicas of one gRPC service behind one `ipv4:` target, the local form of the
// `dns:///doctor-grpc:9083` target that resolves to every pod in Kubernetes.
const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const doctor = { id: 'd-1', name: 'Dr. Ada', email: 'ada@example.com', phone: '', specialty: 'cardiology', active: true, timeZone: 'UTC' };
const opened: { close(): unknown }[] = [];
const servers: GrpcServerHandle[] = [];
afterEach(async () => {
  for (const item of opened.splice(0)) item.close();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** A replica that counts the calls it answered; `delayMs` keeps each call in flight that long. */
async function replica(options: { delayMs?: number; maxConnectionAgeMs?: number } = {}) {
  const answered = { count: 0 };
  const server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    shutdownTimeoutMs: 5_000,
    maxConnectionAgeMs: options.maxConnectionAgeMs,
    services: [
      {
        definition: doctorGrpc.DoctorServiceService,
        implementation: {
          getDoctor: unary(async (request) => {
            if (options.delayMs) await sleep(options.delayMs);
            answered.count++;
            return { doctor: { ...doctor, id: request.id } };
          }),
          checkAvailability: unary(async () => ({ available: true, reason: '', doctor, location: undefined, candidates: [] })),
        } satisfies doctorGrpc.DoctorServiceServer,
      },
    ],
  });
  servers.push(server);
  return { server, answered };
}

/** A TCP front for a replica whose kill() cuts every connection at once, as a killed process does. */
async function killable(port: number) {
  const sockets = new Set<Socket>();
  const front = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => undefined).on('close', () => sockets.delete(socket));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return {
    port: (front.address() as { port: number }).port,
    kill() {
      front.close();
      for (const socket of sockets) socket.resetAndDestroy();
    },
  };
}

function clientOf(ports: number[]) {
  const client = createGrpcClient(doctorGrpc.DoctorServiceClient, `ipv4:${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, {
    peerName: 'doctor',
    deadlineMs: 5_000,
  });
  opened.push(client);
  return client;
}

const calls = (client: ReturnType<typeof clientOf>, count: number) =>
  Promise.all(Array.from({ length: count }, (_, i) => client.call('getDoctor', { id: `d-${i}` }, { requestId: `r-${i}` })));

describe('gRPC over replicas', () => {
  it('spreads calls over every replica (round robin), not all to the first', async () => {
    const replicas = await Promise.all([replica(), replica(), replica()]);
    const client = clientOf(replicas.map(({ server }) => server.port));
    // The first calls may go out while only some connections are up; after those, all are.
    await calls(client, 3);
    for (const { answered } of replicas) answered.count = 0;
    for (let i = 0; i < 30; i++) await calls(client, 1);
    expect(replicas.map(({ answered }) => answered.count)).toEqual([10, 10, 10]);
  });

  it('goes on without a failed call when a replica stops, finishing the calls it had', async () => {
    const replicas = await Promise.all([replica({ delayMs: 100 }), replica({ delayMs: 100 }), replica({ delayMs: 100 })]);
    const client = clientOf(replicas.map(({ server }) => server.port));
    await calls(client, 3);
    const inFlight = calls(client, 30);
    await sleep(30);
    // Draining: GOAWAY, the calls it holds finish, new ones go to the others.
    await replicas[0]!.server.stop();
    const after = await calls(client, 30);
    await expect(inFlight).resolves.toHaveLength(30);
    expect(after).toHaveLength(30);
    expect(replicas.reduce((sum, { answered }) => sum + answered.count, 0)).toBe(63);
  });

  it('retries the calls a killed replica held on the others (every method here is a read)', async () => {
    const replicas = await Promise.all([replica({ delayMs: 200 }), replica({ delayMs: 200 }), replica({ delayMs: 200 })]);
    const fronts = await Promise.all(replicas.map(({ server }) => killable(server.port)));
    const client = clientOf(fronts.map((front) => front.port));
    await calls(client, 3);
    const inFlight = calls(client, 30);
    await sleep(50);
    // No drain: its connections are cut with calls on them.
    fronts[0]!.kill();
    await expect(inFlight).resolves.toHaveLength(30);
    await expect(calls(client, 30)).resolves.toHaveLength(30);
  });

  it('closes connections past their maximum age, and the client reconnects without a failed call', async () => {
    const replicas = await Promise.all([replica({ maxConnectionAgeMs: 200 }), replica({ maxConnectionAgeMs: 200 })]);
    const client = clientOf(replicas.map(({ server }) => server.port));
    const deadline = Date.now() + 1_500;
    let answered = 0;
    while (Date.now() < deadline) {
      await calls(client, 2);
      answered += 2;
      await sleep(10);
    }
    expect(replicas.reduce((sum, { answered: count }) => sum + count.count, 0)).toBe(answered);
    expect(replicas.every(({ answered: count }) => count.count > 0)).toBe(true);
  });
});
