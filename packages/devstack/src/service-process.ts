import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { retryUntil } from './wait.js';

export interface ServiceProcess {
  baseUrl: string;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  /** SIGTERM, then the exit code once it has exited. */
  stop(): Promise<number | null>;
}

/**
 * Runs a service's src/main.ts as its own process with nothing but `env` (plus PATH), the
 * way a deployment does (behind platform's tracing entry), and resolves once it answers /health/live.
 */
export async function startServiceProcess(packageDir: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--conditions=@pms/source', '--import', 'tsx', '--import', '@pms/platform/register', 'src/main.ts'], {
    cwd: packageDir,
    // Tracing off unless the test turns it on: there is no Zipkin to send to.
    env: { PATH: process.env.PATH, OTEL_SDK_DISABLED: 'true', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const baseUrl = `http://${env.HOST ?? '127.0.0.1'}:${env.PORT}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  try {
    await retryUntil(`${packageDir} main.ts`, timeoutMs, async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      const response = await fetch(`${baseUrl}/health/live`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { baseUrl, output: () => output, stop };
}
