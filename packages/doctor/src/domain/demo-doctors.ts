import { isAppError } from '@pms/platform/domain';
import type { ScheduleFields } from '../db/doctors.js';
import { findDoctorByEmail } from '../db/doctors.js';
import type { DoctorContext } from './context.js';
import { addDoctor, type NewDoctor } from './doctors.js';

const weekdays = [1, 2, 3, 4, 5];
const officeHours = (start: string, end: string) => weekdays.map((weekday) => ({ weekday, start, end }));

export const demoDoctors: { doctor: NewDoctor; schedule: ScheduleFields }[] = [
  {
    doctor: { name: 'Dr. Anna Schmidt', email: 'anna.schmidt@demo.pms.example', phone: '+49 30 1234567', specialty: 'GENERAL_PRACTICE', active: true },
    schedule: { timeZone: 'Europe/Berlin', slotMinutes: 30, workingHours: officeHours('09:00', '17:00') },
  },
  {
    doctor: { name: 'Dr. Ben Okafor', email: 'ben.okafor@demo.pms.example', phone: '+49 30 7654321', specialty: 'CARDIOLOGY', active: true },
    // A lunch break: two blocks a day.
    schedule: {
      timeZone: 'Europe/Berlin',
      slotMinutes: 30,
      workingHours: weekdays.flatMap((weekday) => [
        { weekday, start: '09:00', end: '12:30' },
        { weekday, start: '13:30', end: '17:00' },
      ]),
    },
  },
  {
    doctor: { name: 'Dr. Carla Reyes', email: 'carla.reyes@demo.pms.example', phone: null, specialty: 'DERMATOLOGY', active: true },
    schedule: { timeZone: 'UTC', slotMinutes: 30, workingHours: officeHours('09:00', '17:00') },
  },
];

/**
 * Creates the demo doctors with their schedules for `npm start`, each with its DoctorCreated
 * event in one transaction. Idempotent by email: a doctor that already exists is left as it is
 * (an admin may have changed it since), also when another replica seeds at the same moment.
 */
export async function seedDemoDoctors(ctx: Pick<DoctorContext, 'db'>): Promise<{ created: string[]; existing: string[] }> {
  const outcome = { created: [] as string[], existing: [] as string[] };
  for (const { doctor, schedule } of demoDoctors) {
    if (await findDoctorByEmail(ctx.db, doctor.email)) {
      outcome.existing.push(doctor.email);
      continue;
    }
    try {
      await addDoctor(ctx, doctor, null, schedule);
      outcome.created.push(doctor.email);
    } catch (error) {
      if (!(isAppError(error) && error.kind === 'CONFLICT')) throw error;
      outcome.existing.push(doctor.email);
    }
  }
  return outcome;
}
