import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pidAlive, startDevstack } from '../src/index.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/orphan-parent.ts', import.meta.url));

// Each test starts real servers; on a busy 2-CPU box that alone can take half a minute.
describe('no child process outlives its parent', { timeout: 120_000 }, () => {
  it('stop() waits until postgres and java have exited', async () => {
    const stack = await startDevstack({ ephemeral: true, env: {} });
    const pids = [stack.postgres!.pid, stack.kafka!.pid!];
    expect(pids.every(pidAlive)).toBe(true);
    await stack.stop();
    expect(pids.filter(pidAlive)).toEqual([]);
  });

  // Sequential on purpose: several JVMs starting at once on a small CI box only measure the box.
  // Java is covered by the paths that have no chance to clean up (crash, SIGKILL).
  const deaths = [['uncaught', 'kafka'], ['SIGTERM', ''], ['SIGINT', ''], ...(process.platform === 'linux' ? [['SIGKILL', 'kafka']] : [])];
  it.each(deaths)('a parent that dies by %s takes them along %s', async (how, kafka) => {
    const child = spawn(process.execPath, ['--conditions=@pms/source', '--import', 'tsx', fixture, how!, kafka!], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const started = await new Promise<{ dir: string; pids: number[] }>((resolve, reject) => {
      child.stdout.on('data', () => {
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      child.once('exit', () => reject(new Error(`fixture exited early:\n${out}`)));
    });
    try {
      expect(started.pids.every(pidAlive)).toBe(true);
      const exited = new Promise((r) => child.once('exit', r));
      if (how !== 'uncaught') child.kill(how as NodeJS.Signals);
      await exited;
      await expect.poll(() => started.pids.filter(pidAlive), { timeout: 20_000, interval: 100 }).toEqual([]);
    } finally {
      rmSync(started.dir, { recursive: true, force: true });
    }
  });
});
