import { createService, principalOf, type ServiceInstance, type TokenKeySource } from '@pms/platform';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface StubService {
  app: ServiceInstance;
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A real listening service built like every other one (platform's createService, verifying
 * tokens itself), owning `prefix`; it records what reached it.
 */
export async function startStubService(name: string, prefix: string, keys: TokenKeySource): Promise<StubService> {
  const seen: SeenRequest[] = [];
  const app = await createService({ name, logLevel: 'silent', authentication: { keys, issuer: 'pms-auth', audience: 'pms' } });
  app.addHook('preHandler', async (request) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers, body: request.body });
  });
  app.get(`${prefix}/whoami`, async (request) => ({ principal: principalOf(request), requestId: request.id }));
  app.post(
    prefix,
    { schema: { body: z.object({ name: z.string().min(2) }) } },
    async (request, reply) => reply.code(201).header('location', `${prefix}/1`).send({ created: request.body.name, query: request.query }),
  );
  app.get(`${prefix}/overloaded`, async (request, reply) =>
    reply.code(503).header('retry-after', '1').send({ statusCode: 503, error: 'Service Unavailable', message: 'busy', code: 'DEPENDENCY_UNAVAILABLE', requestId: request.id }),
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, seen, close: () => app.close() };
}

/** Accepts connections and never answers: an upstream that hangs. */
export async function startHangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was just free and is now closed: connecting to it is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
