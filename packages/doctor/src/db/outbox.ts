import { writeEvent } from '@pms/platform/db';
import type { Executor } from './database.js';
import type { DoctorRow } from './schema.js';

export type DoctorEventType = 'DoctorCreated' | 'DoctorUpdated';

/** Puts the doctor's snapshot in the outbox, in the caller's transaction. */
export async function recordDoctorEvent(tx: Executor, type: DoctorEventType, doctor: DoctorRow, requestId: string | null): Promise<void> {
  await writeEvent(tx, {
    type,
    subject: doctor.id,
    source: 'doctor',
    requestId,
    data: {
      doctorId: doctor.id,
      name: doctor.name,
      email: doctor.email,
      phone: doctor.phone,
      specialty: doctor.specialty,
      active: doctor.active,
      timeZone: doctor.timeZone,
    },
  });
}
