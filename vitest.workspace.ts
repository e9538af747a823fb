import { defineProject, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The one list of test projects: one per package. vitest 4 no longer reads this file
 * on its own, so vitest.config.ts imports it (test/workspace.test.ts proves the
 * per-project settings apply).
 */
const service = (
  name: string,
  overrides: Partial<TestProjectInlineConfiguration['test']> = {},
  root = `packages/${name}`,
) =>
  defineProject({
    // Projects don't inherit the root resolve settings: workspace packages resolve to TS source.
    resolve: { conditions: ['@pms/source'] },
    ssr: { resolve: { conditions: ['@pms/source'] } },
    test: {
      name,
      root,
      include: ['test/**/*.test.ts'],
      env: { PMS_TEST_PROJECT: name },
      testTimeout: 30_000,
      hookTimeout: 120_000,
      ...overrides,
    },
  });

export const projects = [
  service('contracts'),
  service('platform', { exclude: ['test/events-outage.test.ts'] }),
  // Stops the shared Kafka broker, so it runs alone, after every other project.
  service('platform-outage', { include: ['test/events-outage.test.ts'], sequence: { groupOrder: 1 } }, 'packages/platform'),
  service('devstack'),
  service('auth'),
  service('gateway'),
  service('patient'),
  service('doctor'),
  service('appointment'),
  service('billing'),
  service('notification'),
  service('analytics'),
  service('e2e', { exclude: ['test/replicas.test.ts', 'test/scale-out.test.ts'], testTimeout: 120_000, hookTimeout: 300_000, sequence: { groupOrder: 2 } }),
  // Two or three processes per service on the default consumer groups: alone, after the e2e
  // journey, one system at a time.
  service(
    'replicas',
    { include: ['test/replicas.test.ts', 'test/scale-out.test.ts'], fileParallelism: false, testTimeout: 600_000, hookTimeout: 300_000, sequence: { groupOrder: 3 } },
    'packages/e2e',
  ),
  service('console', { include: ['test/unit/**/*.test.ts'] }),
  // Chromium against the whole system started as `npm start` does: last and alone, one file (one
  // full system) at a time, so two systems never compete for the machine.
  service(
    'console-browser',
    { include: ['test/browser/**/*.test.ts'], fileParallelism: false, testTimeout: 240_000, hookTimeout: 300_000, sequence: { groupOrder: 4 } },
    'packages/console',
  ),
];

export default projects;
