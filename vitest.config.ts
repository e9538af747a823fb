import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  resolve: { conditions: ['@pms/source'] },
  ssr: { resolve: { conditions: ['@pms/source'] } },
  test: {
    // Real PostgreSQL, Kafka and an SMTP sink, started once for every project.
    globalSetup: ['packages/devstack/src/vitest-global-setup.ts'],
    projects,
  },
});
