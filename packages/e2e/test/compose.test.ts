import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { REPO_ROOT, serviceSpecs, type ServiceName } from '@pms/devstack';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envVariablesOf, serviceNames } from '../src/env-schemas.js';

// No Docker engine runs where this was built, so compose.yaml is checked statically: against
// the compose specification's JSON schema, and against the code it has to match.
const compose = parse(readFileSync(join(REPO_ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: { args?: Record<string, string> }; environment?: Record<string, unknown>; ports?: string[]; healthcheck?: unknown; depends_on?: Record<string, { condition: string }> }>;
};
const infrastructure = ['postgres', 'kafka', 'mailpit', 'zipkin'];

describe('compose.yaml', () => {
  it('is valid against the compose specification', () => {
    const require = createRequire(import.meta.url);
    // The compose specification's schema, as shipped by dclint (a maintained compose linter).
    const schemaFile = join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(schemaFile, 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs every service package, built from the one Dockerfile, with a health check', () => {
    const services = Object.keys(compose.services).filter((name) => !infrastructure.includes(name));
    expect(services.sort()).toEqual([...serviceNames].sort());
    for (const name of services) {
      expect(compose.services[name]!.build?.args?.SERVICE, name).toBe(name);
      expect(compose.services[name]!.healthcheck, name).toBeDefined();
    }
  });

  it('sets only variables the services read, and every one they require', () => {
    for (const name of serviceNames) {
      const given = Object.keys(compose.services[name]!.environment ?? {});
      const read = envVariablesOf(name);
      expect(given.filter((variable) => !read.includes(variable)), `${name}: set but never read`).toEqual([]);
      for (const required of ['DATABASE_URL', 'KAFKA_BROKERS'].filter((variable) => read.includes(variable))) {
        expect(given, `${name} needs ${required}`).toContain(required);
      }
    }
  });

  it('uses the ports of DESIGN.md §2 and points every peer address at a real service port', () => {
    const environment = (name: string) => compose.services[name]!.environment ?? {};
    for (const name of serviceNames as ServiceName[]) {
      const spec = serviceSpecs[name] as { http: number; grpc?: number };
      expect(Number(environment(name).PORT), `${name} PORT`).toBe(spec.http);
      if (spec.grpc) expect(Number(environment(name).GRPC_PORT), `${name} GRPC_PORT`).toBe(spec.grpc);
    }
    for (const name of serviceNames) {
      for (const [variable, value] of Object.entries(environment(name))) {
        const peer = /^([A-Z]+)_(URL|GRPC_URL)$/.exec(variable);
        // PUBLIC_URL is the address browsers use, not a peer's.
        if (!peer || ['DATABASE_URL', 'AUTH_JWKS_URL', 'PUBLIC_URL'].includes(variable)) continue;
        const target = peer[1]!.toLowerCase() as ServiceName;
        const spec = serviceSpecs[target] as { http: number; grpc?: number };
        // gRPC targets resolve to every container of the service (`--scale`), balanced round robin.
        const expected = peer[2] === 'GRPC_URL' ? `^dns:///${target}:${spec.grpc}$` : `^http://${target}:${spec.http}$`;
        expect(String(value), `${name} ${variable}`).toMatch(new RegExp(expected));
      }
    }
  });

  it('publishes only the gateway and the Mailpit and Zipkin web UIs to the host', () => {
    const published = Object.fromEntries(
      Object.entries(compose.services)
        .filter(([, service]) => service.ports?.length)
        .map(([name, service]) => [name, service.ports]),
    );
    expect(published).toEqual({ gateway: [`${serviceSpecs.gateway.http}:${serviceSpecs.gateway.http}`], mailpit: ['8025:8025'], zipkin: ['9411:9411'] });
  });

  it('runs the devstack Kafka version and waits for healthy dependencies', () => {
    const pom = readFileSync(join(REPO_ROOT, 'packages/devstack/kafka/pom.xml'), 'utf8');
    const kafkaVersion = /<artifactId>kafka_2\.13<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom)?.[1];
    expect(compose.services.kafka!.image).toBe(`apache/kafka:${kafkaVersion}`);
    const zipkinPom = readFileSync(join(REPO_ROOT, 'packages/devstack/zipkin/pom.xml'), 'utf8');
    const zipkinVersion = /<artifactId>zipkin-server<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(zipkinPom)?.[1];
    expect(compose.services.zipkin!.image).toBe(`openzipkin/zipkin:${zipkinVersion}`);
    for (const name of serviceNames) {
      const conditions = Object.values(compose.services[name]!.depends_on ?? {}).map((dependency) => dependency.condition);
      expect(conditions.length, name).toBeGreaterThan(0);
      expect(new Set(conditions), name).toEqual(new Set(['service_healthy']));
    }
  });
});
