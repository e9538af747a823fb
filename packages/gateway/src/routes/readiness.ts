import type { ReadinessCheck } from '@pms/platform/http';
import type { Upstream } from '../upstreams.js';

/** The gateway is ready when every service it routes to has a replica that is alive. */
export function upstreamChecks(upstreams: Upstream[]): Record<string, ReadinessCheck> {
  return Object.fromEntries(
    upstreams.map((upstream) => [
      upstream.name,
      async () => {
        const response = await fetch(`${upstream.balancer.pick()}/health/live`, { signal: AbortSignal.timeout(1_000) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      },
    ]),
  );
}
