import type {} from '../../devstack/src/vitest-provided.js';
import { describe, expect, inject, it } from 'vitest';
import { projects } from '../../../vitest.workspace.js';

// vitest 4 ignores vitest.workspace.ts unless vitest.config.ts imports it. If it were
// ignored, this file would run with the root as its root and without the project name.
describe('vitest.workspace.ts', () => {
  it('applies the per-project settings to this project', ({ task }) => {
    expect(task.file.projectName).toBe('contracts');
    expect(process.env.PMS_TEST_PROJECT).toBe('contracts');
    expect(inject('databaseUrl')).toMatch(/^postgres/);
  });

  it('lists one project per package', () => {
    const names = projects.map((project) => project.test?.name);
    expect(names).toEqual(expect.arrayContaining(['contracts', 'platform', 'devstack', 'gateway', 'auth']));
  });
});
