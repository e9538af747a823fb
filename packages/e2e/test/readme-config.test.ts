import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@pms/devstack';
import { describe, expect, it } from 'vitest';
import { envVariablesOf, serviceNames } from '../src/env-schemas.js';

/** `variable|service` pairs of the README's configuration table. */
function readmePairs(): Set<string> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const table = readme.split('<!-- config-table:start -->')[1]?.split('<!-- config-table:end -->')[0];
  if (!table) throw new Error('README.md has no configuration table markers');
  const pairs = new Set<string>();
  for (const line of table.split('\n').filter((row) => row.startsWith('| `'))) {
    const [variables = '', services = ''] = line.split('|').slice(1, 3);
    const names = [...variables.matchAll(/`([A-Z0-9_]+)`/g)].map((match) => match[1]);
    const owners = services.trim() === 'all' ? serviceNames : services.split(',').map((s) => s.trim());
    for (const name of names) for (const owner of owners) pairs.add(`${name}|${owner}`);
  }
  return pairs;
}

function schemaPairs(): Set<string> {
  return new Set(serviceNames.flatMap((service) => envVariablesOf(service).map((name) => `${name}|${service}`)));
}

describe('README configuration table', () => {
  it('lists exactly the variables each service reads', () => {
    const documented = readmePairs();
    const read = schemaPairs();
    expect([...read].filter((pair) => !documented.has(pair)), 'read by a service but not in the README').toEqual([]);
    expect([...documented].filter((pair) => !read.has(pair)), 'in the README but read by no such service').toEqual([]);
  });

  it('documents every variable of .env.example', () => {
    const example = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
    const names = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
    const documented = new Set([...readmePairs()].map((pair) => pair.split('|')[0]));
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((name) => !documented.has(name!))).toEqual([]);
  });
});
