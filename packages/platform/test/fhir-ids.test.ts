import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { forbidden, notFound, unavailable, type Actor } from '../src/domain.js';
import { inPatientCompartment, parseSlotId, slotId, slotOfReference } from '../src/fhir/index.js';

describe('slot ids', () => {
  const doctorId = randomUUID();
  const key = { doctorId, start: new Date('2026-11-23T09:00:00Z'), minutes: 30 };

  it('name a period stably and read back to it, the doctor id lower-cased', () => {
    const id = slotId(key);
    expect(id).toBe(`${doctorId}.202611230900.30`);
    expect(parseSlotId(id)).toEqual(key);
    expect(parseSlotId(id.toUpperCase())).toEqual(key);
  });

  it('are no slot when the time, the length, the years or the doctor id are not possible', () => {
    for (const id of [
      `${doctorId}.202602310900.30`,
      `${doctorId}.202611232400.30`,
      `${doctorId}.202611230960.30`,
      `${doctorId}.000011230900.30`,
      `${doctorId}.300011230900.30`,
      `${doctorId}.202611230900.4`,
      `${doctorId}.202611230900.481`,
      `not-a-uuid-but-36-characters-long-xx.202611230900.30`,
    ]) {
      expect(parseSlotId(id), id).toBeUndefined();
    }
  });

  it('are read from Slot references, relative or absolute, and from no other type', () => {
    const id = slotId(key);
    expect(slotOfReference(`Slot/${id}`)).toEqual(key);
    expect(slotOfReference(`https://clinic.example/fhir/R4/Slot/${id}`)).toEqual(key);
    expect(slotOfReference(`Schedule/${id}`)).toBeUndefined();
    expect(slotOfReference(`https://clinic.example/Schedule/Slot-${id}`)).toBeUndefined();
    expect(slotOfReference(id)).toBeUndefined();
  });
});

describe('the patient compartment', () => {
  const actor = (role: 'patient' | 'staff'): Actor => ({ principal: { userId: randomUUID(), role }, requestId: 'r' });
  const nothing = () => 'nothing';

  it('hides from a patient user what is not theirs (403 NOT_OWNER) or no longer exists (404)', async () => {
    await expect(inPatientCompartment(actor('patient'), Promise.reject(forbidden('no', 'NOT_OWNER')), nothing)).resolves.toBe('nothing');
    await expect(inPatientCompartment(actor('patient'), Promise.reject(notFound('gone')), nothing)).resolves.toBe('nothing');
    await expect(inPatientCompartment(actor('patient'), Promise.resolve('theirs'), nothing)).resolves.toBe('theirs');
  });

  it('passes other errors, and every error of staff, unchanged', async () => {
    await expect(inPatientCompartment(actor('patient'), Promise.reject(forbidden('role')), nothing)).rejects.toMatchObject({ kind: 'FORBIDDEN' });
    await expect(inPatientCompartment(actor('patient'), Promise.reject(unavailable('down')), nothing)).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    await expect(inPatientCompartment(actor('staff'), Promise.reject(forbidden('no', 'NOT_OWNER')), nothing)).rejects.toMatchObject({ code: 'NOT_OWNER' });
  });
});
