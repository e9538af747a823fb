import { doctorGrpc, isoDateTime, ResourceRequirement, uuid, type Doctor } from '@pms/contracts';
import { unary } from '@pms/platform';
import { z } from 'zod';
import { checkAvailability } from '../domain/availability.js';
import type { DoctorContext } from '../domain/context.js';
import { getDoctor } from '../domain/doctors.js';

// Validation at the edge: a malformed id or timestamp is INVALID_ARGUMENT (unary() maps ZodError).
const GetDoctorRequest = z.object({ id: uuid });
const CheckAvailabilityRequest = z
  .object({ doctorId: uuid, startsAt: isoDateTime, endsAt: isoDateTime, required: z.array(ResourceRequirement).max(10) })
  // Only a comparison of two valid timestamps can fail here (NaN compares false): one issue per field.
  .refine((r) => !(Date.parse(r.startsAt) >= Date.parse(r.endsAt)), { message: 'must be after startsAt', path: ['endsAt'] });

/** Proto strings have no null: a missing phone travels as ''. */
const toProto = (doctor: Doctor): doctorGrpc.Doctor => ({
  id: doctor.id,
  name: doctor.name,
  email: doctor.email,
  phone: doctor.phone ?? '',
  specialty: doctor.specialty,
  active: doctor.active,
  timeZone: doctor.timeZone,
});

export function doctorService(ctx: DoctorContext): doctorGrpc.DoctorServiceServer {
  return {
    getDoctor: unary(async (request) => {
      const { id } = GetDoctorRequest.parse(request);
      return { doctor: toProto(await getDoctor(ctx, id)) };
    }),
    checkAvailability: unary(async (request) => {
      const { doctorId, startsAt, endsAt, required } = CheckAvailabilityRequest.parse(request);
      const check = await checkAvailability(ctx, doctorId, new Date(startsAt), new Date(endsAt), required);
      return {
        available: check.available,
        reason: check.reason ?? '',
        doctor: check.doctor && toProto(check.doctor),
        location: check.location,
        candidates: check.candidates.map(({ id, name, category, kind, capacity }) => ({ id, name, category, kind, capacity })),
      };
    }),
  };
}
