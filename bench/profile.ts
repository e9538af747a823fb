// `npm run bench -- --profile`: the bench starts the system itself with every service under
// --cpu-prof, stops it after the scenarios (profiles are written at exit) and prints, per
// service, where its CPU went: the top functions and the top packages by self time.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfiledSystem {
  dir: string;
  stop(): Promise<void>;
}

/** `npm start` with every service profiled; resolves once the gateway and auth answer. */
export async function startProfiledSystem(gatewayUrl: string, dir: string): Promise<ProfiledSystem> {
  mkdirSync(dir, { recursive: true });
  const nodeArgs = [process.env.PMS_SERVICE_NODE_ARGS ?? '', '--cpu-prof', `--cpu-prof-dir=${dir}`].join(' ').trim();
  const child = spawn('npm', ['start'], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, RATE_LIMIT_MAX: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', PMS_SERVICE_NODE_ARGS: nodeArgs },
    // The launcher's and services' output, for when the system does not come up.
    stdio: ['ignore', openSync(join(dir, 'npm-start.log'), 'a'), openSync(join(dir, 'npm-start.log'), 'a')],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const started = Date.now(); ; ) {
    const ready = await fetch(`${gatewayUrl}/health/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    if (Date.now() - started > 900_000) throw new Error(`the system did not get ready in 15 minutes; see ${dir}/npm-start.log`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return {
    dir,
    async stop() {
      // What Ctrl-C does: the launcher stops the services (they write their profiles), then the infrastructure.
      process.kill(-child.pid!, 'SIGINT');
      await exited;
    },
  };
}

const serviceOf = (profile: CpuProfile) => {
  for (const node of profile.nodes) {
    const match = /packages\/([a-z]+)\/(?:dist|src)\/main\.[jt]s$/.exec(node.callFrame.url);
    if (match) return match[1]!;
  }
  return 'unknown';
};

/** Where a frame's code lives: an npm package, one of ours, Node itself, or V8's own buckets. */
const packageOf = ({ functionName, url }: ProfileNode['callFrame']) => {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  const ours = /packages\/([^/]+)\//.exec(url);
  return ours ? `@pms/${ours[1]}` : url;
};

/** Self time in ms by function and by package; idle time left out of the shares. */
export function summarize(file: string, top = 12) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += ms;
    const where = frame.url ? `${packageOf(frame)} ${frame.url.split('/').pop()}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + ms);
    packages.set(packageOf(frame), (packages.get(packageOf(frame)) ?? 0) + ms);
  }
  const rank = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms: Math.round(ms), share: `${((100 * ms) / busy).toFixed(1)} %` }));
  return { service: serviceOf(profile), busyMs: Math.round(busy), functions: rank(functions), packages: rank(packages) };
}

export function printProfiles(dir: string): ReturnType<typeof summarize>[] {
  const summaries = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => summarize(join(dir, name)))
    .sort((a, b) => b.busyMs - a.busyMs);
  for (const summary of summaries) {
    console.log(`\n${summary.service}: ${summary.busyMs} ms busy`);
    console.table(summary.packages);
    console.table(summary.functions);
  }
  return summaries;
}

// `node --import tsx bench/profile.ts <dir>` prints the summaries of profiles taken by hand.
if (process.argv[1] === import.meta.filename && process.argv[2]) printProfiles(process.argv[2]);
