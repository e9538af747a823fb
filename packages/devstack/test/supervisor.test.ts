import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pidAlive, spawnManaged } from '../src/processes.js';
import { supervise } from '../src/supervisor.js';

// Finding 7 of issue 10: with `npm start`, kill -9 of billing left it dead.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/supervised-parent.ts', import.meta.url));
const idle = () => spawnManaged('idle', process.execPath, ['-e', 'setInterval(() => {}, 1000)']);

describe('supervised processes', { timeout: 60_000 }, () => {
  it('come back after a kill -9, say so, and stay down after stop()', async () => {
    const logs: string[] = [];
    const supervised = supervise(idle, { initialDelayMs: 50, log: (message) => logs.push(message) });
    const first = supervised.pid;
    expect(pidAlive(first)).toBe(true);

    process.kill(first, 'SIGKILL');
    await expect.poll(() => supervised.pid !== first && pidAlive(supervised.pid), { timeout: 10_000 }).toBe(true);
    expect(supervised.restarts).toBe(1);
    expect(logs.join('\n')).toMatch(/idle exited \(SIGKILL\).*restarting in 50 ms/);

    const second = supervised.pid;
    await supervised.stop();
    expect(await supervised.done).toBe('stopped');
    expect([first, second].filter(pidAlive)).toEqual([]);
    expect(supervised.running).toBe(false);
    expect(supervised.restarts).toBe(1);
  });

  it('give up loudly after crashing again and again, waiting longer each time', async () => {
    const logs: string[] = [];
    const startedAt: number[] = [];
    const crashing = () => {
      startedAt.push(performance.now());
      return spawnManaged('crasher', process.execPath, ['-e', 'console.error("boom: bad config"); process.exit(3)']);
    };
    const supervised = supervise(crashing, { initialDelayMs: 100, maxDelayMs: 10_000, maxRestarts: 3, log: (message) => logs.push(message) });
    expect(await supervised.done).toBe('gave-up');
    expect(supervised.restarts).toBe(3);
    expect(supervised.running).toBe(false);
    expect(startedAt).toHaveLength(4);
    const gaps = startedAt.slice(1).map((at, i) => at - startedAt[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(400);
    expect(logs.at(-1)).toMatch(/crasher exited \(3\) 4 times in a row.*giving up, it stays DOWN/);
    expect(logs.at(-1)).toContain('boom: bad config');
  });

  it('end with the launcher on Ctrl-C, restarted ones included, leaving nothing behind', async () => {
    const parent = spawn(process.execPath, ['--conditions=@pms/source', '--import', 'tsx', fixture], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let partial = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    });
    parent.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => parent.once('exit', resolve));
    const pidLines = () => lines.filter((line) => line.startsWith('{"pids"')).map((line) => (JSON.parse(line) as { pids: number[] }).pids);
    try {
      await expect.poll(() => pidLines().length, { timeout: 30_000 }).toBeGreaterThan(0);
      const [first, second] = pidLines()[0]!;
      process.kill(first!, 'SIGKILL');
      await expect.poll(() => pidLines().at(-1)?.[0], { timeout: 10_000 }).not.toBe(first);
      const restarted = pidLines().at(-1)![0]!;
      expect(pidAlive(restarted)).toBe(true);
      expect(lines.join('\n')).toMatch(/idle|first exited \(SIGKILL\)/);

      parent.kill('SIGINT');
      expect(await exited).toBe(0);
      expect([first!, second!, restarted].filter(pidAlive)).toEqual([]);
    } finally {
      if (parent.exitCode === null) parent.kill('SIGKILL');
    }
  });
});
