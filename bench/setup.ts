import { randomUUID } from 'node:crypto';
import { gatewayClient, type GatewayClient } from '../packages/e2e/src/client.js';

export interface BenchFixture {
  api: GatewayClient;
  adminToken: string;
  doctorIds: string[];
  patients: { id: string; email: string }[];
  /** Patients with no other booking, for measuring booking → email one booking at a time. */
  quietPatients: { id: string; email: string }[];
  /** Midnight UTC of the first day the booking benchmark may use. */
  firstDay: number;
}

const must = <T>(what: string, response: { status: number; body: T }, status = 201): T => {
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
};

/**
 * Fresh doctors (open every day, 00:00–23:55 UTC, 5-minute slots) and patients, unique to this run,
 * so every benchmark run books free slots however often it runs.
 */
export async function createFixture(gatewayUrl: string, admin: { email: string; password: string }, sizes = { doctors: 50, patients: 100, quietPatients: 100 }): Promise<BenchFixture> {
  const api = gatewayClient(gatewayUrl);
  const adminToken = await api.login(admin.email, admin.password);
  const run = randomUUID().slice(0, 8);
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:59' }));
  const doctorIds: string[] = [];
  for (let i = 0; i < sizes.doctors; i++) {
    const specialty = ['GENERAL_PRACTICE', 'CARDIOLOGY', 'DERMATOLOGY', 'PEDIATRICS'][i % 4];
    const doctor = must('create doctor', await api.post('/api/doctors', { name: `Bench Doctor ${run}-${i}`, email: `bench-${run}-d${i}@bench.example`, specialty }, adminToken));
    must('set schedule', await api.put(`/api/doctors/${doctor.id}/schedule`, { timeZone: 'UTC', slotMinutes: 5, hours }, adminToken), 200);
    doctorIds.push(doctor.id);
  }
  const createPatients = async (kind: string, count: number) => {
    const created: { id: string; email: string }[] = [];
    for (let i = 0; i < count; i++) {
      const email = `bench-${run}-${kind}${i}@bench.example`;
      const patient = must('create patient', await api.post('/api/patients', { name: `Bench Patient ${kind}${i}`, email, dateOfBirth: '1980-01-01' }, adminToken));
      created.push({ id: patient.id, email });
    }
    return created;
  };
  const patients = await createPatients('p', sizes.patients);
  const quietPatients = await createPatients('q', sizes.quietPatients);
  // Far enough ahead that runs on different days never meet; each run gets its own doctors anyway.
  const firstDay = Date.UTC(new Date().getUTCFullYear() + 1, 0, 1) + Math.floor(Math.random() * 200) * 86_400_000;
  return { api, adminToken, doctorIds, patients, quietPatients, firstDay };
}

/**
 * The i-th distinct booking: doctors rotate fastest, then 5-minute slots. Bookings at the same
 * time go to different doctors and, as there are at least as many patients as doctors, to
 * different patients, so none overlaps another.
 */
export function nthBooking(fixture: BenchFixture, i: number) {
  const doctors = fixture.doctorIds.length;
  const slot = Math.floor(i / doctors);
  return {
    doctorId: fixture.doctorIds[i % doctors]!,
    patient: fixture.patients[i % fixture.patients.length]!,
    startsAt: new Date(fixture.firstDay + slot * 5 * 60_000).toISOString(),
  };
}

export { randomUUID };
