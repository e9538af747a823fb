// `npm run bench:tracing`: what tracing costs (issue 24). Starts the system (`npm start`) once per
// mode — tracing off, 10 % of new traces sampled, all of them — runs the read and booking
// scenarios of bench/run.ts against it, and reports CPU per request by mode. The modes run
// interleaved (off, 10 %, 100 %, then again, BENCH_ROUNDS times), so a neighbour's load on a
// shared machine spreads over all of them instead of landing on one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const gatewayUrl = 'http://127.0.0.1:4004';
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const modes = [
  { name: 'off', env: { OTEL_SDK_DISABLED: 'true' } },
  { name: '10 %', env: { OTEL_SDK_DISABLED: 'false', OTEL_TRACES_SAMPLER_ARG: '0.1' } },
  { name: '100 %', env: { OTEL_SDK_DISABLED: 'false', OTEL_TRACES_SAMPLER_ARG: '1' } },
] as const;
const scenarios = { read: 'read one patient', booking: 'booking with its whole event chain (load + drain)' } as const;
const dir = join(import.meta.dirname, 'results', `tracing-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(dir, { recursive: true });

interface CpuUse {
  scenario: string;
  perRequestUs: Record<string, number>;
}

function run(command: string, args: string[], env: Record<string, string>, log: string, detached = false): ChildProcess {
  const out = openSync(join(dir, log), 'a');
  return spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', out, out], detached });
}

async function untilReady(system: ChildProcess): Promise<void> {
  for (const started = Date.now(); ; ) {
    if (await fetch(`${gatewayUrl}/health/ready`).then((r) => r.ok, () => false)) return;
    if (system.exitCode !== null) throw new Error(`npm start exited with ${system.exitCode}; see ${dir}`);
    if (Date.now() - started > 900_000) throw new Error(`the system did not get ready in 15 minutes; see ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** CPU µs per request of the system's processes (the load generator and Zipkin left out: Zipkin is reported apart). */
const systemUs = (use: CpuUse) => Object.entries(use.perRequestUs).filter(([group]) => !/load generator|zipkin/.test(group)).reduce((sum, [, us]) => sum + us, 0);
const zipkinUs = (use: CpuUse) => use.perRequestUs['zipkin (JVM)'] ?? 0;

const figures: { round: number; mode: string; readUs: number; bookingUs: number; zipkinReadUs: number; zipkinBookingUs: number }[] = [];
for (let round = 1; round <= rounds; round += 1) {
  for (const mode of modes) {
    const log = `round${round}-${mode.name.replace(/\W/g, '')}`;
    console.log(`round ${round}, tracing ${mode.name}: starting the system…`);
    // The node of `npm start` without its build step (run `npm run build` first).
    const system = run(process.execPath, ['--conditions=@pms/source', '--import', 'tsx', 'packages/devstack/src/start.ts'], { ...mode.env, RATE_LIMIT_MAX: '0', LOG_LEVEL: 'warn' }, `${log}-system.log`, true);
    const exited = new Promise<void>((resolve) => system.once('exit', () => resolve()));
    try {
      await untilReady(system);
      const bench = run(process.execPath, ['--conditions=@pms/source', '--import', 'tsx', 'bench/run.ts'], {
        BENCH_SCENARIOS: 'read,booking',
        BENCH_SECONDS: process.env.BENCH_SECONDS ?? '10',
        BENCH_DOCTORS: process.env.BENCH_DOCTORS ?? '20',
        BENCH_PATIENTS: process.env.BENCH_PATIENTS ?? '40',
      }, `${log}-bench.log`);
      const code = await new Promise<number | null>((resolve) => bench.once('exit', resolve));
      const written = /written (\S+\.json)/.exec(readFileSync(join(dir, `${log}-bench.log`), 'utf8'))?.[1];
      if (code !== 0 || !written) throw new Error(`bench/run.ts failed (${code}); see ${dir}/${log}-bench.log`);
      const uses = (JSON.parse(readFileSync(written, 'utf8')) as { cpuUse: CpuUse[] }).cpuUse;
      const read = uses.find((use) => use.scenario === scenarios.read)!;
      const booking = uses.find((use) => use.scenario === scenarios.booking)!;
      figures.push({ round, mode: mode.name, readUs: systemUs(read), bookingUs: systemUs(booking), zipkinReadUs: zipkinUs(read), zipkinBookingUs: zipkinUs(booking) });
      console.table(figures);
    } finally {
      process.kill(-system.pid!, 'SIGINT');
      await exited;
    }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? Math.round((sorted[middle - 1]! + sorted[middle]!) / 2) : sorted[Math.floor(middle)]!;
};
const summary = modes.map(({ name }) => {
  const mine = figures.filter((figure) => figure.mode === name);
  return { mode: name, readUs: median(mine.map((f) => f.readUs)), bookingUs: median(mine.map((f) => f.bookingUs)), runs: mine.length };
});
console.log('CPU µs per request of the whole system (services, PostgreSQL, Kafka; Zipkin apart in the figures), median of the rounds:');
console.table(summary);
writeFileSync(join(dir, 'summary.json'), JSON.stringify({ figures, summary }, null, 2));
console.log(`written ${join(dir, 'summary.json')}`);
