import { defineProject, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * The one list of test projects: one per package. vitest 4 no longer reads this file
 * on its own, so vitest.config.ts imports it (test/workspace.test.ts proves the
 * per-project settings apply).
 */
const service = (name: string, overrides: Partial<TestProjectInlineConfiguration['test']> = {}) =>
  defineProject({
    // Projects don't inherit the root resolve settings: workspace packages resolve to TS source.
    resolve: { conditions: ['@pms/source'] },
    ssr: { resolve: { conditions: ['@pms/source'] } },
    test: {
      name,
      root: `packages/${name}`,
      include: ['test/**/*.test.ts'],
      env: { PMS_TEST_PROJECT: name },
      testTimeout: 30_000,
      hookTimeout: 120_000,
      ...overrides,
    },
  });

export const projects = [
  service('contracts'),
  service('platform'),
  service('devstack'),
  service('auth'),
  service('gateway'),
  service('patient'),
  service('doctor'),
  service('appointment'),
  service('billing'),
  service('notification'),
  service('analytics'),
  service('e2e', { testTimeout: 120_000, hookTimeout: 300_000 }),
];

export default projects;
