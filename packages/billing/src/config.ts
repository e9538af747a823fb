import { specialties, type Specialty } from '@pms/contracts';
import { envFragments, parseConfig } from '@pms/platform';
import { z } from 'zod';
import { defaultFeesPer30Minutes } from './domain/fees.js';

/** `CARDIOLOGY=15000,DERMATOLOGY=9500`: overrides of the fee (cents) per started 30 minutes. */
const feeOverrides = z
  .string()
  .default('')
  .transform((value, context) => {
    const fees: Partial<Record<Specialty, number>> = {};
    for (const pair of value.split(',').map((item) => item.trim()).filter(Boolean)) {
      const [name = '', cents = ''] = pair.split('=').map((part) => part.trim());
      const specialty = specialties.find((known) => known === name.toUpperCase());
      if (!specialty || !/^\d{1,9}$/.test(cents)) {
        context.addIssue({ code: 'custom', message: `"${pair}" is not SPECIALTY=cents (specialties: ${specialties.join(', ')})` });
        return z.NEVER;
      }
      fees[specialty] = Number(cents);
    }
    return { ...defaultFeesPer30Minutes, ...fees };
  });

export const billingEnvSchema = z.object({
  ...envFragments.base,
  ...envFragments.http(8081),
  ...envFragments.grpc(9081),
  ...envFragments.database,
  ...envFragments.kafka,
  ...envFragments.tokens,
  /** Consumer group on patient-events and appointment-events. */
  KAFKA_GROUP_ID: z.string().min(1).default('billing'),
  /** patient.v1.PatientService, asked who owns a patient record. */
  PATIENT_GRPC_URL: z.string().min(1).default('localhost:9080'),
  PATIENT_GRPC_DEADLINE_MS: z.coerce.number().int().min(50).max(30_000).default(2_000),
  /** ISO 4217 code every invoice is issued in. */
  BILLING_CURRENCY: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code')
    .transform((value) => value.toUpperCase())
    .default('EUR'),
  /** Days after the appointment day an invoice is due. */
  INVOICE_DUE_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  BILLING_FEES: feeOverrides,
});

export type BillingConfig = z.infer<typeof billingEnvSchema>;

export const loadConfig = (env: Record<string, string | undefined>): BillingConfig => parseConfig(billingEnvSchema, env);
