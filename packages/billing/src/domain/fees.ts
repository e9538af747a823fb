import type { Specialty } from '@pms/contracts';

/** Cents charged per started 30 minutes of an appointment, by the doctor's specialty. */
export type FeeTable = Record<Specialty, number>;

export const defaultFeesPer30Minutes: FeeTable = {
  GENERAL_PRACTICE: 6_000,
  PEDIATRICS: 7_000,
  DERMATOLOGY: 9_000,
  GYNECOLOGY: 9_500,
  PSYCHIATRY: 10_000,
  ORTHOPEDICS: 11_000,
  CARDIOLOGY: 12_000,
  NEUROLOGY: 12_500,
};

/** A started half hour is billed in full: 45 minutes of cardiology cost two blocks. */
export function invoiceAmountCents(fees: FeeTable, specialty: Specialty, durationMinutes: number): number {
  return fees[specialty] * Math.ceil(durationMinutes / 30);
}
