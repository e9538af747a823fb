import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const gatewayDir = fileURLToPath(new URL('..', import.meta.url));

// The gateway talks HTTP only. Every client library it loads stays in its memory for good (the
// idle-RSS budget is 100 MB per service), so it imports platform's HTTP entry, not the barrel.
// kafkajs and grpc-js are CommonJS, so the require cache shows them; the database clients (ESM) came
// in through the same barrel.
it('loads no Kafka or gRPC client', async () => {
  const probe = `
    import { createRequire } from 'node:module';
    await import('./src/app.ts');
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    const clients = ['kafkajs', '@grpc/grpc-js'];
    console.log(JSON.stringify({
      fastify: loaded.some((path) => path.includes('/node_modules/fastify/')),
      clients: clients.filter((name) => loaded.some((path) => path.includes('/node_modules/' + name + '/'))),
    }));`;
  const { stdout } = await run(process.execPath, ['--conditions=@pms/source', '--import', 'tsx', '--input-type=module', '--eval', probe], {
    cwd: gatewayDir,
    timeout: 30_000,
  });
  // fastify shows the probe sees what was loaded; the clients must not be among it.
  expect(JSON.parse(stdout)).toEqual({ fastify: true, clients: [] });
});
