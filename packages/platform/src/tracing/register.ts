import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { z } from 'zod';
import { tracingEnv } from '../config.js';

/**
 * The tracing entry every service starts with, before its main module:
 * `node --import @pms/platform/register dist/main.js` (devstack, the Dockerfile and so compose and
 * Kubernetes do). Services are ES modules, and OpenTelemetry can only patch what an ES module
 * imports (grpc-js, http) through a loader hook registered before those imports are loaded,
 * which main.ts itself comes too late for. The service's name is its package's (`@pms/billing`
 * → billing) unless OTEL_SERVICE_NAME says otherwise.
 *
 * A bad tracing variable does not stop this entry: main.ts names it with every other bad one.
 */
const parsed = z.object(tracingEnv).safeParse(process.env);
if (parsed.success && !parsed.data.OTEL_SDK_DISABLED) {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const { startTracing } = await import('./sdk.js');
  startTracing(parsed.data, parsed.data.OTEL_SERVICE_NAME ?? packageName());
  // The instrumentations' hooks must reach the loader thread before main's imports are loaded.
  await waitForAllMessagesAcknowledged();
}

/** The name of the package whose entry node runs (process.argv[1]), without its scope. */
function packageName(): string {
  for (let dir = dirname(process.argv[1] ?? process.cwd()); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name.replace(/^@[^/]+\//, '');
  }
  return 'unknown_service';
}
