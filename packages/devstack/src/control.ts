import { createServer } from 'node:http';
import { join } from 'node:path';
import { startFhirValidator, type FhirValidator } from './fhir-validator.js';
import { closeHttp } from './smtp-sink.js';
import type { Devstack } from './stack.js';

/**
 * Tests run in worker processes, the stack lives in vitest's main process: this tiny HTTP
 * endpoint lets a test take Kafka or SMTP down and bring it back.
 * POST /kafka/stop, /kafka/start, /smtp/stop, /smtp/start → 204; 409 when not ours to control.
 * POST /fhir-validator → 200 {"url"}: the run's one HAPI FHIR validator, started by the first
 * test that asks (a JVM of seconds and ~500 MB that runs which need no FHIR never pay for).
 */
export async function startControlServer(stack: Devstack): Promise<{ url: string; close(): Promise<void> }> {
  let validator: Promise<FhirValidator> | undefined;
  const actions: Record<string, (() => Promise<void>) | undefined> = {
    '/kafka/stop': stack.kafka && (() => stack.kafka!.stop()),
    '/kafka/start': stack.kafka && (() => stack.kafka!.start()),
    '/smtp/stop': stack.smtpSink && (() => stack.smtpSink!.setAvailable(false)),
    '/smtp/start': stack.smtpSink && (() => stack.smtpSink!.setAvailable(true)),
  };
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/fhir-validator') {
      // Memoised, failure included: every test file gets the same answer, Maven and the JVM run once.
      validator ??= startFhirValidator({ logFile: join(stack.dataDir, 'fhir-validator.log') });
      validator.then(
        ({ url }) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url })),
        (err: Error) => res.writeHead(500).end(err.message),
      );
      return;
    }
    const action = req.method === 'POST' ? actions[req.url ?? ''] : undefined;
    if (!action) {
      res.writeHead(req.url && req.url in actions ? 409 : 404).end('not available (external service or unknown action)');
      return;
    }
    action().then(
      () => res.writeHead(204).end(),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await closeHttp(server);
      await validator?.then((v) => v.close(), () => {});
    },
  };
}

/** The client side, for tests: `await devstackControl(inject('devstackControlUrl')).stopKafka()`. */
export function devstackControl(url: string) {
  const post = async (path: string) => {
    const res = await fetch(`${url}${path}`, { method: 'POST' });
    if (!res.ok) throw new Error(`devstack control ${path}: ${res.status} ${await res.text()}`);
  };
  return {
    /** Returns once the broker process has exited; its port and data are kept. */
    stopKafka: () => post('/kafka/stop'),
    /** Returns once the broker answers again on the same port, with the same data. */
    startKafka: () => post('/kafka/start'),
    /** Closes (false) or reopens (true) the SMTP sink's port; its API keeps working. */
    setSmtpAvailable: (available: boolean) => post(available ? '/smtp/start' : '/smtp/stop'),
    /** The run-wide FHIR validator's URL; the first call starts it (seconds; minutes when its jars are fetched). */
    fhirValidatorUrl: async (): Promise<string> => {
      const res = await fetch(`${url}/fhir-validator`, { method: 'POST' });
      if (!res.ok) throw new Error(`devstack control /fhir-validator: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { url: string }).url;
    },
  };
}
