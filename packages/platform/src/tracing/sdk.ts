import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from '../config.js';
import { markTracingStarted } from './spans.js';

/** Probes and scrapes every few seconds would bury the requests. */
const unwatched = (path: string | undefined) => !!path && (path.startsWith('/health') || path === '/metrics');

/**
 * The OpenTelemetry SDK for one service: spans of incoming and outgoing HTTP (the gateway's
 * proxy is undici), Fastify's routes, gRPC, and platform's own (database, outbox relay, event
 * consumer), batched to Zipkin or OTLP. The batch processor's queue is bounded (OTEL_BSP_*): with
 * the collector down, spans are dropped and requests never wait for it.
 */
export function startTracing(settings: TracingSettings, serviceName: string): NodeSDK {
  const exporter = exporterFor(settings);
  const sdk = new NodeSDK({
    serviceName,
    sampler: samplerFor(settings),
    spanProcessors: exporter ? [new BatchSpanProcessor(exporter)] : [],
    // Metrics stay with prom-client (/metrics) and logs with pino; the SDK would otherwise export both over OTLP.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => unwatched(request.url),
      }),
      new UndiciInstrumentation({ ignoreRequestHook: (request) => unwatched(request.path) }),
      // A span for the request and its handler; one per lifecycle hook would cost more than it tells.
      new FastifyOtelInstrumentation({ registerOnInitialization: true, instrumentHooks: false, ignorePaths: (route) => unwatched(route.url) }),
      new GrpcInstrumentation({ ignoreGrpcMethods: [/^Check$/, /^Watch$/] }),
    ],
  });
  sdk.start();
  markTracingStarted(() => sdk.shutdown());
  return sdk;
}

function exporterFor(settings: TracingSettings): SpanExporter | undefined {
  switch (settings.OTEL_TRACES_EXPORTER) {
    case 'zipkin':
      return new ZipkinExporter({ url: settings.OTEL_EXPORTER_ZIPKIN_ENDPOINT });
    case 'otlp':
      // Endpoint, headers and protocol from OTEL_EXPORTER_OTLP_*, as upstream documents.
      return new OTLPTraceExporter();
    case 'console':
      return new ConsoleSpanExporter();
    case 'none':
      return undefined;
  }
}

function samplerFor(settings: TracingSettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.OTEL_TRACES_SAMPLER_ARG);
  switch (settings.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
  }
}
