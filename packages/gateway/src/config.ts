import { fileURLToPath } from 'node:url';
import { envFragments, parseConfig } from '@pms/platform/http';
import { z } from 'zod';

const url = z.url({ protocol: /^https?$/ });
/** One service's address, or its replicas' comma-separated: the gateway balances over them. */
const urls = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(',').map((item) => trimSlash(item.trim())).filter(Boolean))
    .pipe(z.array(url).min(1));
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

export const gatewayEnvSchema = z
  .object({
    ...envFragments.base,
    ...envFragments.http(4004),
    ...envFragments.tokens,
    AUTH_URL: urls('http://127.0.0.1:4005'),
    PATIENT_URL: urls('http://127.0.0.1:8080'),
    BILLING_URL: urls('http://127.0.0.1:8081'),
    ANALYTICS_URL: urls('http://127.0.0.1:8082'),
    DOCTOR_URL: urls('http://127.0.0.1:8083'),
    APPOINTMENT_URL: urls('http://127.0.0.1:8084'),
    NOTIFICATION_URL: urls('http://127.0.0.1:8086'),
    /** Requests per client address per window; 0 turns the limiter off (benchmarks). */
    RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(1_000),
    RATE_LIMIT_WINDOW_MS: positiveInt(60_000),
    /** Comma-separated allowed origins, `*` for any; empty: no cross-origin access. */
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
    /** An upstream that has not answered (headers) within this gets a 503. */
    UPSTREAM_TIMEOUT_MS: positiveInt(5_000),
    UPSTREAM_CONNECT_TIMEOUT_MS: positiveInt(1_000),
    /** Keep-alive connections per upstream. */
    UPSTREAM_CONNECTIONS: positiveInt(128),
    /** With two or more replicas of a service: how often each one's readiness is asked; a red one gets no requests. */
    UPSTREAM_HEALTH_INTERVAL_MS: positiveInt(1_000),
    BODY_LIMIT_BYTES: positiveInt(1_048_576),
    /** The built web console (packages/console/dist, from src/ or dist/ alike). */
    CONSOLE_DIR: z.string().min(1).default(fileURLToPath(new URL('../../console/dist', import.meta.url))),
    /** A client that has not sent its request headers within this gets a 408. */
    REQUEST_HEADERS_TIMEOUT_MS: positiveInt(10_000),
    /** A client that has not sent its whole body within this gets a 408; bodies are read whole before proxying. */
    REQUEST_BODY_TIMEOUT_MS: positiveInt(10_000),
    /** /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset: the gateway serves no metrics. */
    METRICS_TOKEN: z.string().min(16).optional(),
  })
  .transform((env) => ({
    ...env,
    // Tokens are verified with auth's JWKS unless told otherwise.
    AUTH_JWKS_URL: env.AUTH_JWKS || env.AUTH_JWKS_URL ? env.AUTH_JWKS_URL : `${env.AUTH_URL[0]}/auth/.well-known/jwks.json`,
  }));

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

export const loadConfig = (env: Record<string, string | undefined>): GatewayConfig => parseConfig(gatewayEnvSchema, env);

export const trimSlash = (value: string) => value.replace(/\/+$/, '');
