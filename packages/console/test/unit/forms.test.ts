import { PatientInput, ScheduleInput } from '@pms/contracts/http';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { fieldErrorsOf, serverFieldErrors } from '../../src/forms/errors.js';

describe('field errors', () => {
  it('keys schema errors by the dotted path the server uses in `details`', () => {
    const result = ScheduleInput.safeParse({ timeZone: 'Mars/Base', slotMinutes: 30, hours: [{ weekday: 1, start: '10:00', end: '09:00' }] });
    expect(result.success).toBe(false);
    expect(fieldErrorsOf(result.error!)).toEqual({ timeZone: 'must be an IANA time zone', 'hours.0.end': 'start must be before end' });
  });

  it('keeps the first message per field', () => {
    const result = PatientInput.safeParse({ name: '', email: 'x', dateOfBirth: '' });
    const errors = fieldErrorsOf(result.error!);
    expect(Object.keys(errors).sort()).toEqual(['dateOfBirth', 'email', 'name']);
  });

  it("maps a 400's details to fields, and anything else to none", () => {
    const error = new ApiError(400, 'VALIDATION_FAILED', 'Invalid', [
      { field: 'hours.0.end', message: 'block is shorter than one slot (30 minutes)' },
      { field: 'hours.0.end', message: 'second' },
    ]);
    expect(serverFieldErrors(error)).toEqual({ 'hours.0.end': 'block is shorter than one slot (30 minutes)' });
    expect(serverFieldErrors(new Error('boom'))).toEqual({});
  });
});
