import { z } from 'zod';
import { PageQuery, pageOf, uuid } from '../common.js';
import { Patient } from './patient.js';

/** Why two records look like one person (patient ranks candidates by these, strongest first). */
export const DuplicateReason = z.enum(['SAME_EMAIL', 'SAME_PHONE', 'SIMILAR_NAME', 'SAME_DATE_OF_BIRTH']);
export type DuplicateReason = z.infer<typeof DuplicateReason>;

/** A possible duplicate of one record: the other record, a score in [0, 1] and the reasons. */
export const PossibleDuplicate = z
  .object({ patient: Patient, score: z.number().min(0).max(1), nameSimilarity: z.number().min(0).max(1), reasons: z.array(DuplicateReason) })
  .meta({ id: 'PossibleDuplicate' });
export type PossibleDuplicate = z.infer<typeof PossibleDuplicate>;
export const PossibleDuplicates = z.object({ items: z.array(PossibleDuplicate) });

/** GET /api/patients/duplicates (staff, admin): every likely pair of the clinic, best first. */
export const DuplicatePair = z
  .object({ first: Patient, second: Patient, score: z.number().min(0).max(1), nameSimilarity: z.number().min(0).max(1), reasons: z.array(DuplicateReason) })
  .meta({ id: 'DuplicatePair' });
export type DuplicatePair = z.infer<typeof DuplicatePair>;
export const DuplicatePairQuery = PageQuery;
export const DuplicatePairPage = pageOf(DuplicatePair);

/** POST /api/patients/:id/not-duplicates: this pair is two people; it is no longer suggested. */
export const NotDuplicateBody = z.object({ otherId: uuid });

/** The fields a merge can take from either record; the survivor's own value when left out. */
export const mergeableFields = ['name', 'email', 'phone', 'address', 'dateOfBirth', 'contactPreferences'] as const;
export type MergeableField = (typeof mergeableFields)[number];
export const MergeSide = z.enum(['survivor', 'duplicate']);
export type MergeSide = z.infer<typeof MergeSide>;

/** POST /api/patients/:id/merge (staff, admin): the record at :id survives, `duplicateId` becomes its tombstone. */
export const PatientMergeBody = z.object({
  duplicateId: uuid,
  keep: z.object(Object.fromEntries(mergeableFields.map((field) => [field, MergeSide.optional()])) as Record<MergeableField, z.ZodOptional<typeof MergeSide>>).default({}),
});
export type PatientMergeBody = z.infer<typeof PatientMergeBody>;

export const PatientMergeResult = z
  .object({
    survivor: Patient,
    duplicateId: uuid,
    /** False when the duplicate was already merged into the survivor: nothing happened again. */
    merged: z.boolean(),
    /** Appointments appointment moved from the duplicate to the survivor at merge time. */
    appointmentsMoved: z.number().int().nonnegative(),
  })
  .meta({ id: 'PatientMergeResult' });
export type PatientMergeResult = z.infer<typeof PatientMergeResult>;

/**
 * POST /api/appointments/patient-merges (staff, admin; patient calls it while merging): appointment
 * moves the duplicate's appointments to the survivor, or refuses (409 APPOINTMENTS_OVERLAP, the
 * clashes in details) when an active appointment of one overlaps one of the other.
 */
export const AppointmentMergeBody = z.object({ survivorId: uuid, duplicateId: uuid });
export const AppointmentMergeResult = z.object({ moved: z.number().int().nonnegative() });
export type AppointmentMergeResult = z.infer<typeof AppointmentMergeResult>;
