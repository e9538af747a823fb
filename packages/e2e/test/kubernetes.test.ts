import { Ajv, type ValidateFunction } from 'ajv';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { allTopics, deadLetterTopic } from '@pms/contracts';
import { REPO_ROOT, serviceSpecs, type ServiceName } from '@pms/devstack';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envVariablesOf, serviceNames } from '../src/env-schemas.js';

// deploy/kubernetes rendered the way `kubectl apply -k` renders it, every resource validated
// against the Kubernetes API schemas (kubernetes-models) or the operators' CRD schemas
// (deploy/kubernetes/schemas), and checked against the code as compose.test.ts checks compose.yaml.
/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped YAML, asserted field by field. */
type Resource = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };

const KUSTOMIZE_ROOT = join(REPO_ROOT, 'deploy/kubernetes');
const overlays = ['single-node', 'production'] as const;

/** kustomize on its own, or the one built into kubectl (both read the same kustomization files). */
function kustomizeCommand(): string[] {
  const onPath = (name: string) => (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, name)));
  if (onPath('kustomize')) return ['kustomize', 'build'];
  if (onPath('kubectl')) return ['kubectl', 'kustomize'];
  throw new Error('rendering deploy/kubernetes needs kustomize or kubectl on PATH');
}

function render(overlay: string): Resource[] {
  const [command, ...args] = kustomizeCommand();
  const output = execFileSync(command!, [...args, join(KUSTOMIZE_ROOT, 'overlays', overlay)], { encoding: 'utf8' });
  const resources = parseAllDocuments(output).map((document) => document.toJSON() as Resource).filter(Boolean);
  // kustomize folds long base64 values over lines; the API server's decoder skips the newlines.
  for (const secret of resources.filter((r) => r.kind === 'Secret')) {
    for (const key of Object.keys(secret.data ?? {})) secret.data[key] = secret.data[key].replace(/\s/g, '');
  }
  return resources;
}

const coreModels: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

const crdValidators: Record<string, ValidateFunction> = (() => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const dir = join(KUSTOMIZE_ROOT, 'schemas');
  return Object.fromEntries(
    readdirSync(dir).map((file) => {
      const schema = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      return [`${schema.properties.apiVersion.const}/${schema.properties.kind.const}`, ajv.compile(schema)];
    }),
  );
})();

function schemaErrors(resource: Resource): string[] {
  const type = `${resource.apiVersion}/${resource.kind}`;
  const Model = coreModels[type];
  if (Model) {
    try {
      new Model(resource).validate();
      return [];
    } catch (error) {
      return [`${type} ${resource.metadata.name}: ${(error as Error).message}`];
    }
  }
  const validate = crdValidators[type];
  if (!validate) return [`${type} ${resource.metadata.name}: no schema to validate it against`];
  const name = resource.metadata.name;
  return validate(resource) ? [] : [`${type} ${name}: ${JSON.stringify(validate.errors)}`];
}

const rendered = Object.fromEntries(overlays.map((overlay) => [overlay, render(overlay)])) as Record<(typeof overlays)[number], Resource[]>;
const find = (resources: Resource[], kind: string, name: string) => resources.find((r) => r.kind === kind && r.metadata.name === name);
const named = (resources: Resource[], kind: string) => resources.filter((r) => r.kind === kind);
const containerOf = (deployment: Resource) => deployment.spec.template.spec.containers[0];

/** A service's environment: its ConfigMap's values, and the names of the variables it gets from secrets. */
function environmentOf(resources: Resource[], name: string) {
  const container = containerOf(find(resources, 'Deployment', name)!);
  const values: Record<string, string> = {};
  for (const source of container.envFrom ?? []) Object.assign(values, find(resources, 'ConfigMap', source.configMapRef.name)!.data);
  const fromSecrets = (container.env ?? []).map((variable: any) => ({ name: variable.name, ref: variable.valueFrom?.secretKeyRef }));
  return { values, fromSecrets, all: [...Object.keys(values), ...fromSecrets.map((v: { name: string }) => v.name)] };
}

/** Pod labels of what an overlay runs besides the services: StatefulSets, CloudNativePG clusters, Strimzi brokers. */
function podLabels(resources: Resource[]): Record<string, string>[] {
  return resources.flatMap((r) => {
    if (r.kind === 'StatefulSet' || r.kind === 'Deployment') return [r.spec.template.metadata.labels ?? {}];
    if (r.kind === 'Cluster') return [r.spec.inheritedMetadata?.labels ?? {}];
    if (r.kind === 'Kafka') return [r.spec.kafka.template?.pod?.metadata?.labels ?? {}];
    return [];
  });
}
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);

describe.each(overlays)('deploy/kubernetes overlay %s', (overlay) => {
  const resources = rendered[overlay];

  it('renders, and every resource is valid against the Kubernetes or operator schema', () => {
    expect(resources.length).toBeGreaterThan(40);
    expect(resources.flatMap(schemaErrors)).toEqual([]);
    for (const resource of resources.filter((r) => r.kind !== 'Namespace')) expect(resource.metadata, resource.metadata.name).toMatchObject({ namespace: 'pms' });
  });

  it('runs every service with its ports, probes, resources, a Service and a PodDisruptionBudget', () => {
    const services = named(resources, 'Deployment').filter((d) => d.metadata.labels?.['app.kubernetes.io/part-of'] === 'pms');
    expect(services.map((d) => d.metadata.name).sort()).toEqual([...serviceNames].sort());
    for (const name of serviceNames as ServiceName[]) {
      const spec = serviceSpecs[name] as { http: number; grpc?: number };
      const container = containerOf(find(resources, 'Deployment', name)!);
      const ports = Object.fromEntries(container.ports.map((p: any) => [p.name, p.containerPort]));
      expect(ports, name).toEqual(spec.grpc ? { http: spec.http, grpc: spec.grpc } : { http: spec.http });
      expect(container.readinessProbe.httpGet, name).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe.httpGet, name).toEqual({ path: '/health/live', port: 'http' });
      expect(container.startupProbe.httpGet, name).toEqual({ path: '/health/live', port: 'http' });
      expect(container.resources.requests, name).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits, name).toMatchObject({ memory: expect.any(String) });
      const service = find(resources, 'Service', name)!;
      expect(service.spec.selector, name).toEqual({ 'app.kubernetes.io/name': name });
      expect(service.spec.ports.map((p: any) => [p.port, p.targetPort]), name).toEqual([[spec.http, 'http']]);
      if (spec.grpc) {
        // Headless: DNS answers with every ready pod, and gRPC clients balance over them.
        const grpc = find(resources, 'Service', `${name}-grpc`);
        expect(grpc?.spec, `${name}-grpc`).toMatchObject({ clusterIP: 'None', selector: { 'app.kubernetes.io/name': name } });
        expect(grpc?.spec.ports.map((p: any) => [p.port, p.targetPort]), `${name}-grpc`).toEqual([[spec.grpc, 'grpc']]);
      }
      expect(find(resources, 'PodDisruptionBudget', name)?.spec.selector.matchLabels, name).toEqual({ 'app.kubernetes.io/name': name });
    }
  });

  it('sets only variables the services read, every one they require, and peer addresses that exist', () => {
    for (const name of serviceNames as ServiceName[]) {
      const env = environmentOf(resources, name);
      const read = envVariablesOf(name);
      expect(env.all.filter((variable) => !read.includes(variable)), `${name}: set but never read`).toEqual([]);
      for (const required of ['DATABASE_URL', 'KAFKA_BROKERS', 'AUTH_JWKS_URL'].filter((variable) => read.includes(variable))) {
        expect(env.all, `${name} needs ${required}`).toContain(required);
      }
      const spec = serviceSpecs[name] as { http: number; grpc?: number };
      expect(Number(env.values.PORT), `${name} PORT`).toBe(spec.http);
      if (spec.grpc) expect(Number(env.values.GRPC_PORT), `${name} GRPC_PORT`).toBe(spec.grpc);
      for (const [variable, value] of Object.entries(env.values)) {
        const peer = /^([A-Z]+)_(URL|GRPC_URL)$/.exec(variable);
        // PUBLIC_URL is the address browsers use, not a peer's.
        if (!peer || ['AUTH_JWKS_URL', 'PUBLIC_URL'].includes(variable)) continue;
        const target = peer[1]!.toLowerCase() as ServiceName;
        if (peer[2] === 'GRPC_URL') {
          // Every pod of the peer, through its headless Service, not one connection to one pod.
          expect(value, `${name} ${variable}`).toBe(`dns:///${target}-grpc:${(serviceSpecs[target] as { grpc?: number }).grpc}`);
          expect(find(resources, 'Service', `${target}-grpc`)?.spec.clusterIP, `${name} ${variable}`).toBe('None');
          continue;
        }
        expect(value, `${name} ${variable}`).toMatch(new RegExp(`^http://${target}:${serviceSpecs[target].http}$`));
        expect(find(resources, 'Service', target), `${name} ${variable}`).toBeDefined();
      }
      if (env.values.AUTH_JWKS_URL) expect(env.values.AUTH_JWKS_URL).toBe(`http://auth:${serviceSpecs.auth.http}/auth/.well-known/jwks.json`);
    }
  });

  it('sends the spans of every service to the Zipkin the overlay runs, through a policy that lets them out', () => {
    const zipkin = find(resources, 'Service', 'zipkin');
    expect(zipkin?.spec.ports.map((port: { port: number }) => port.port), 'a zipkin Service on 9411').toEqual([9411]);
    const viewer = find(resources, 'Deployment', 'zipkin')!;
    expect(viewer.spec.template.metadata.labels).toMatchObject({ ...zipkin!.spec.selector, 'pms.clinic/tracing': 'true' });
    const egress = find(resources, 'NetworkPolicy', 'allow-tracing')!.spec.egress;
    expect(egress).toEqual([{ to: [{ podSelector: { matchLabels: { 'pms.clinic/tracing': 'true' } } }], ports: [{ port: 9411, protocol: 'TCP' }] }]);
    for (const name of serviceNames as ServiceName[]) {
      expect(environmentOf(resources, name).values.OTEL_EXPORTER_ZIPKIN_ENDPOINT, name).toBe('http://zipkin:9411/api/v2/spans');
    }
  });

  it('stops every pod within its grace period: the preStop wait, the drain, then in-flight work', () => {
    for (const name of serviceNames as ServiceName[]) {
      const deployment = find(resources, 'Deployment', name)!;
      const container = containerOf(deployment);
      const { values } = environmentOf(resources, name);
      const [command, seconds] = container.lifecycle.preStop.exec.command;
      expect(command, name).toBe('sleep');
      // The pod leaves the endpoints while preStop waits; SIGTERM follows, then the drain and the close.
      const stopMs = Number(seconds) * 1_000 + Number(values.SHUTDOWN_DRAIN_MS ?? 0) + Number(values.SHUTDOWN_TIMEOUT_MS ?? 15_000);
      expect(stopMs, name).toBeLessThanOrEqual(deployment.spec.template.spec.terminationGracePeriodSeconds * 1_000);
      expect(deployment.spec.strategy.rollingUpdate, name).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    }
  });

  it('gives every service its own database and the Kafka bootstrap of this overlay', () => {
    const databaseUsers = (serviceNames as ServiceName[]).filter((name) => (serviceSpecs[name] as { db?: string }).db);
    for (const name of databaseUsers) {
      const ref = environmentOf(resources, name).fromSecrets.find((v: { name: string }) => v.name === 'DATABASE_URL')?.ref;
      expect(ref, name).toMatchObject({ key: 'uri' });
      if (overlay === 'production') {
        // CloudNativePG writes the URI of cluster X's application database to the secret X-app.
        const cluster = find(resources, 'Cluster', ref.name.replace(/-app$/, ''));
        expect(cluster?.spec.bootstrap.initdb, name).toEqual({ database: name, owner: name });
        expect(cluster?.spec.instances, name).toBeGreaterThanOrEqual(3);
      } else {
        const secret = find(resources, 'Secret', ref.name)!;
        const uri = Buffer.from(secret.data.uri, 'base64').toString('utf8');
        expect(new URL(uri).pathname, name).toBe(`/${name}`);
        expect(new URL(uri).hostname, name).toBe('postgres');
        expect(find(resources, 'ConfigMap', 'postgres-init')!.data['init.sql']).toContain(`CREATE DATABASE ${name};`);
      }
    }
    const brokers = new Set((serviceNames as ServiceName[]).map((name) => environmentOf(resources, name).values.KAFKA_BROKERS).filter(Boolean));
    expect(brokers.size).toBe(1);
    const [host, port] = [...brokers][0]!.split(':');
    if (overlay === 'production') {
      const kafka = named(resources, 'Kafka')[0]!;
      expect(host).toBe(`${kafka.metadata.name}-kafka-bootstrap`);
      expect(kafka.spec.kafka.listeners.map((l: any) => l.port)).toContain(Number(port));
    } else {
      expect(find(resources, 'Service', host!)?.spec.ports.map((p: any) => p.port)).toContain(Number(port));
    }
  });

  it('lets the outside reach only the gateway, and each service only its peers, its database and Kafka', () => {
    const policies = named(resources, 'NetworkPolicy');
    const deny = find(resources, 'NetworkPolicy', 'default-deny')!;
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'pms' } }, policyTypes: ['Ingress', 'Egress'] });
    expect(named(resources, 'Ingress').flatMap((i) => i.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service.name)))).toEqual(['gateway']);
    const pods = podLabels(resources);
    for (const name of serviceNames as ServiceName[]) {
      const own = policies.filter((p) => selects(p.spec.podSelector.matchLabels ?? {}, { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'pms' }));
      const rules = own.flatMap((p) => p.spec.ingress ?? []);
      const open = rules.filter((rule: any) => !rule.from);
      expect(open.length > 0, `${name} reachable from anywhere`).toBe(name === 'gateway');
      // Egress: what the service's environment names, its database and Kafka, nothing else in the cluster.
      const env = environmentOf(resources, name);
      const peers = new Set(
        Object.entries(env.values)
          .filter(([variable]) => /_(URL|GRPC_URL)$/.test(variable) && variable !== 'PUBLIC_URL')
          .map(([, value]) => /^(?:http:\/\/|dns:\/\/\/)?([a-z]+)(?:-grpc)?:/.exec(value)![1]),
      );
      for (const rule of own.flatMap((p) => p.spec.egress ?? [])) {
        for (const to of rule.to ?? []) {
          if (to.namespaceSelector || to.ipBlock) continue;
          const selector = to.podSelector.matchLabels as Record<string, string>;
          const peer = selector['app.kubernetes.io/name'];
          if (peer) {
            expect(peers.has(peer), `${name} may reach ${peer}`).toBe(true);
            continue;
          }
          const [label] = Object.keys(selector);
          expect([`pms.clinic/postgres-for-${name}`, 'pms.clinic/kafka', 'pms.clinic/role', 'pms.clinic/tracing'], `${name} egress to ${label}`).toContain(label);
          if (label === 'pms.clinic/role') expect(name).toBe('notification');
          expect(pods.some((labels) => selects(selector, labels)), `${name}: nothing in ${overlay} carries ${label}`).toBe(label === 'pms.clinic/role' ? overlay === 'single-node' : true);
        }
      }
      if (env.all.includes('DATABASE_URL')) {
        expect(JSON.stringify(own), `${name} reaches its database`).toContain(`pms.clinic/postgres-for-${name}`);
      }
      if (env.all.includes('KAFKA_BROKERS')) expect(JSON.stringify(own), `${name} reaches Kafka`).toContain('pms.clinic/kafka');
    }
  });

  it('autoscales the gateway and the busy services within what Kafka partitions allow', () => {
    const autoscalers = named(resources, 'HorizontalPodAutoscaler');
    if (overlay === 'single-node') {
      expect(autoscalers).toEqual([]);
      return;
    }
    expect(autoscalers.map((a) => a.metadata.name)).toContain('gateway');
    for (const autoscaler of autoscalers) {
      expect(find(resources, 'Deployment', autoscaler.spec.scaleTargetRef.name), autoscaler.metadata.name).toBeDefined();
      expect(autoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
    }
    const topics = named(resources, 'KafkaTopic');
    const declared = Object.fromEntries(topics.map((t) => [t.spec.topicName ?? t.metadata.name, t.spec]));
    for (const topic of allTopics) {
      expect(declared[topic], topic).toMatchObject({ replicas: 3, config: { 'min.insync.replicas': 2 } });
      expect(declared[deadLetterTopic(topic)], deadLetterTopic(topic)).toBeDefined();
      // A consumer replica beyond the partition count would sit idle.
      for (const autoscaler of autoscalers.filter((a) => a.metadata.name !== 'gateway')) {
        expect(autoscaler.spec.maxReplicas, `${autoscaler.metadata.name} vs ${topic}`).toBeLessThanOrEqual(declared[topic].partitions);
      }
    }
  });
});
