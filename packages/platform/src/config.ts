import type { JsonWebKey } from 'node:crypto';
import { z } from 'zod';

/**
 * Every service parses its environment once, at boot, with a zod schema built from these
 * fragments. A bad environment fails with every bad variable named, not just the first.
 */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid environment:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(issues);
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const list = z
  .string()
  .min(1)
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/**
 * Tracing, in every service (platform's register entry reads them before main.ts runs; main.ts
 * checks them again with the rest). The names and meanings are OpenTelemetry's; only the defaults
 * are ours: Zipkin as the exporter, 10 % of new traces sampled (README "Tracing" has the figures).
 * Other OTEL_* variables (OTEL_EXPORTER_OTLP_*, OTEL_BSP_*) reach the SDK as documented upstream.
 */
export const tracingEnv = {
  /** true: no SDK, no loader hook, no spans, so tracing costs nothing. */
  OTEL_SDK_DISABLED: bool.default(false),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_TRACES_EXPORTER: z.enum(['zipkin', 'otlp', 'console', 'none']).default('zipkin'),
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: z.url().default('http://localhost:9411/api/v2/spans'),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_traceidratio'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(0.1),
} as const;

export type TracingSettings = z.infer<z.ZodObject<typeof tracingEnv>>;

export const envFragments = {
  base: {
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ...tracingEnv,
  },
  http: (defaultPort: number) => ({
    HOST: z.string().default('0.0.0.0'),
    PORT: port(defaultPort),
    /**
     * After SIGTERM: how long the service keeps serving with its readiness red, so a balancer
     * (the gateway's health checks, Kubernetes' endpoints) stops sending before it closes.
     */
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120_000).default(0),
    /** After the drain: how long in-flight requests, calls and consumer batches get to finish. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(15_000),
  }),
  grpc: (defaultPort: number) => ({
    GRPC_HOST: z.string().default('0.0.0.0'),
    GRPC_PORT: port(defaultPort),
    /** A client connection older than this is closed (GOAWAY) so clients resolve again and reach new replicas; 0: never. */
    GRPC_MAX_CONNECTION_AGE_MS: z.coerce.number().int().min(0).default(60_000),
  }),
  database: {
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
    /** statement_timeout and lock_timeout; a stuck database answers 503 a little after this. */
    DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(1_500),
  },
  kafka: {
    KAFKA_BROKERS: list,
    KAFKA_CLIENT_ID: z.string().optional(),
    // How full the broker lets a consumer's fetch get before answering, and for how long at most.
    KAFKA_FETCH_MIN_BYTES: z.coerce.number().int().min(1).max(52_428_800).default(65_536),
    KAFKA_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(1).max(30_000).default(100),
  },
  /** Where access tokens' public keys come from: auth's JWKS URL, or an inline JWKS (tests). */
  tokens: {
    AUTH_JWKS_URL: z.url().optional(),
    AUTH_JWKS: z.string().optional(),
    JWT_ISSUER: z.string().default('pms-auth'),
    JWT_AUDIENCE: z.string().default('pms'),
  },
} as const;

export const envHelpers = { port, list, bool };

/** The options of createService() that come from the environment. */
export function tokenSourceFrom(config: { AUTH_JWKS_URL?: string; AUTH_JWKS?: string }) {
  if (config.AUTH_JWKS) return { jwks: JSON.parse(config.AUTH_JWKS) as { keys: JsonWebKey[] } };
  if (config.AUTH_JWKS_URL) return { jwksUrl: config.AUTH_JWKS_URL };
  throw new ConfigError(['AUTH_JWKS_URL: one of AUTH_JWKS_URL or AUTH_JWKS is required']);
}
