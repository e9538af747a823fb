import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, serviceNames } from '@pms/devstack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../src/system.js';

// The README's FHIR capability table is what clients read first; it must say what the system
// really serves, so it is compared with the CapabilityStatement the gateway assembles and with
// the fragment each service serves itself (which names the service that owns the type).

interface Capability {
  service: string;
  interactions: string[];
  searchParams: string[];
}

/** `(…)` notes in a cell are prose, not names. */
const withoutNotes = (cell: string) => cell.replace(/\([^)]*\)/g, '');
const words = (cell: string) => withoutNotes(cell).split(/[,;]/).map((word) => word.trim()).filter(Boolean);

function readmeTable(): Map<string, Capability> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const table = readme.split('<!-- fhir-table:start -->')[1]?.split('<!-- fhir-table:end -->')[0];
  if (!table) throw new Error('README.md has no FHIR table markers');
  const rows = new Map<string, Capability>();
  for (const line of table.split('\n').filter((row) => row.startsWith('| `'))) {
    const [type = '', service = '', interactions = '', params = ''] = line.split('|').slice(1, 5);
    rows.set(type.trim().replaceAll('`', ''), {
      service: service.trim(),
      // `$everything` (an operation) counts as one of the interactions it is listed with.
      interactions: words(interactions).map((word) => word.replaceAll('`', '')).sort(),
      searchParams: [...withoutNotes(params).matchAll(/`([^`]+)`/g)].map((match) => match[1]!).sort(),
    });
  }
  return rows;
}

/** A statement's resources as the README words them: `search-type` is "search", operations `$name`. */
function served(resource: CapabilityStatementRestResource, service: string): Capability {
  return {
    service,
    interactions: [
      ...(resource.interaction ?? []).map((interaction) => (interaction.code === 'search-type' ? 'search' : interaction.code)),
      ...(resource.operation ?? []).map((operation) => `$${operation.name}`),
    ].sort(),
    searchParams: (resource.searchParam ?? []).map((param) => param.name).sort(),
  };
}

/** The resources of a statement; a service that serves no FHIR (auth, analytics) answers 404: none. */
const metadata = async (base: string) => {
  const response = await fetch(`${base}/fhir/R4/metadata`, { headers: { accept: 'application/fhir+json' } });
  if (response.status === 404) return [];
  expect(response.status, base).toBe(200);
  return ((await response.json()) as CapabilityStatement).rest?.[0]?.resource ?? [];
};

let running: TestSystem;
beforeAll(async () => {
  running = await startTestSystem('e2ereadmefhir');
});
afterAll(() => running?.stop());

describe('README FHIR capability table', () => {
  it('lists exactly the types, interactions and search parameters each service serves', async () => {
    const fromServices = new Map<string, Capability>();
    for (const service of serviceNames.filter((name) => name !== 'gateway')) {
      for (const resource of await metadata(running.system.urls[service])) fromServices.set(resource.type, served(resource, service));
    }
    const assembled = await metadata(running.system.gatewayUrl);
    const fromGateway = new Map(assembled.map((resource) => [resource.type, served(resource, fromServices.get(resource.type)?.service ?? '?')]));

    const documented = readmeTable();
    expect(documented.size).toBeGreaterThanOrEqual(8);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(fromGateway));
    expect(Object.fromEntries(fromGateway)).toEqual(Object.fromEntries(fromServices));
  });
});
