import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nobody listens on right now (the OS picks it), on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Fails early with a readable message instead of a bind error deep in a child's log. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  if (!(await isFree(port))) throw new Error(`${what}: port ${port} on 127.0.0.1 is already in use`);
}

/** Below Linux's ephemeral range (32768-60999): no outgoing connection and no bind(0) takes these. */
const CLAIMABLE = { from: 15_000, to: 32_000 };
const CLAIMS = join(tmpdir(), 'pms-port-claims');
/** A claim older than this belongs to a run that died without releasing it. */
const STALE_CLAIM_MS = 6 * 60 * 60 * 1000;

/**
 * A port for one service of a test system. freePort's port is free only until the next bind:
 * parallel test systems (e2e files run in parallel workers) and outgoing connections can take it
 * before the service listens, and a foreign process then answers its health check. So these come
 * from below the ephemeral range, each claimed across processes by creating a lock directory
 * (atomic), and checked free. Release them with releasePorts when the system stops.
 */
export async function claimPort(): Promise<number> {
  mkdirSync(CLAIMS, { recursive: true });
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const port = CLAIMABLE.from + Math.floor(Math.random() * (CLAIMABLE.to - CLAIMABLE.from));
    const claim = join(CLAIMS, String(port));
    if (!tryClaim(claim)) continue;
    if (await isFree(port)) return port;
    rmSync(claim, { recursive: true, force: true });
  }
  throw new Error(`no free port to claim between ${CLAIMABLE.from} and ${CLAIMABLE.to}`);
}

export function releasePorts(ports: number[]): void {
  for (const port of ports) rmSync(join(CLAIMS, String(port)), { recursive: true, force: true });
}

function tryClaim(claim: string): boolean {
  try {
    mkdirSync(claim);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(claim).mtimeMs < STALE_CLAIM_MS) return false;
      rmSync(claim, { recursive: true, force: true });
      mkdirSync(claim);
      return true;
    } catch {
      return false;
    }
  }
}

/** Nobody listens on `port` of 127.0.0.1 right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
