import type { z } from 'zod';
import { analyticsEnvSchema } from '../../analytics/src/config.js';
import { appointmentEnvSchema } from '../../appointment/src/config.js';
import { authEnvSchema } from '../../auth/src/config.js';
import { billingEnvSchema } from '../../billing/src/config.js';
import { doctorEnvSchema } from '../../doctor/src/config.js';
import { gatewayEnvSchema } from '../../gateway/src/config.js';
import { notificationEnvSchema } from '../../notification/src/config.js';
import { patientEnvSchema } from '../../patient/src/config.js';

// Test tooling only: services never import each other, but the checks of README.md and
// compose.yaml need every service's env schema side by side.
const schemas: Record<string, z.ZodType> = {
  auth: authEnvSchema,
  gateway: gatewayEnvSchema,
  patient: patientEnvSchema,
  doctor: doctorEnvSchema,
  appointment: appointmentEnvSchema,
  billing: billingEnvSchema,
  notification: notificationEnvSchema,
  analytics: analyticsEnvSchema,
};
export const serviceNames = Object.keys(schemas);

/** The variables a service's env schema reads (refinements and pipes unwrapped). */
export function envVariablesOf(service: string): string[] {
  let schema = schemas[service] as unknown as { shape?: object; def?: { in?: unknown; innerType?: unknown } } | undefined;
  while (schema && !schema.shape) schema = (schema.def?.in ?? schema.def?.innerType) as typeof schema;
  if (!schema?.shape) throw new Error(`no object schema found for ${service}`);
  return Object.keys(schema.shape);
}
