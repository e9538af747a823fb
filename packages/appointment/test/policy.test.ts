import type {} from '../../devstack/src/vitest-provided.js';
import { describe, expect, it } from 'vitest';
import { eventsOf, withService } from './support/harness.js';

// The policy is one per database: this file has a service of its own.
const service = withService();
const { users, peers } = service;
const staff = users.staff();
const admin = users.admin();

const policy = { minimumNoticeMinutes: 120, maxAdvanceDays: 30, patientCancelCutoffHours: 24, patientRescheduleCutoffHours: 48 };
const hoursAhead = (hours: number) => new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + hours * 3_600_000).toISOString();
const inject = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: object) =>
  service.app.inject({ method, url, headers, payload });

describe('booking policy', () => {
  it('starts permissive, only admins replace it, and a change is announced', async () => {
    const initial = await inject('GET', '/api/scheduling/policy', users.patient().headers);
    expect(initial.json()).toEqual({ minimumNoticeMinutes: 0, maxAdvanceDays: 365, patientCancelCutoffHours: 0, patientRescheduleCutoffHours: 0 });
    expect((await inject('PUT', '/api/scheduling/policy', staff.headers, policy)).statusCode).toBe(403);
    const bad = await inject('PUT', '/api/scheduling/policy', admin.headers, { ...policy, maxAdvanceDays: 0 });
    expect([bad.statusCode, bad.json().details[0].field]).toEqual([400, 'maxAdvanceDays']);

    const put = await inject('PUT', '/api/scheduling/policy', admin.headers, policy);
    expect(put.json()).toEqual(policy);
    expect((await inject('GET', '/api/scheduling/policy', staff.headers)).json()).toEqual(policy);
    const [changed] = (await eventsOf(service.database, 'scheduling-policy')).slice(-1);
    expect(changed).toMatchObject({ type: 'SchedulingPolicyChanged', payload: { data: policy } });
  });

  it('binds patient users (422 with the rule’s code) and not staff', async () => {
    await inject('PUT', '/api/scheduling/policy', admin.headers, policy);
    const user = users.patient();
    const patient = peers.addPatient({ ownerUserId: user.userId });
    const doctor = peers.addDoctor();
    const book = (startsAt: string, headers = user.headers) =>
      inject('POST', '/api/appointments', headers, { patientId: patient.id, doctorId: doctor.id, startsAt });

    const soon = await book(hoursAhead(1));
    expect([soon.statusCode, soon.json().code]).toEqual([422, 'TOO_SHORT_NOTICE']);
    const far = await book(hoursAhead(31 * 24));
    expect([far.statusCode, far.json().code]).toEqual([422, 'TOO_FAR_AHEAD']);
    expect((await book(hoursAhead(1), staff.headers)).statusCode).toBe(201);

    // 30 hours ahead: bookable, cancellable (cutoff 24 h), but not movable (cutoff 48 h).
    const booked = await book(hoursAhead(30));
    expect(booked.statusCode).toBe(201);
    const moved = await inject('POST', `/api/appointments/${booked.json().id}/reschedule`, user.headers, { startsAt: hoursAhead(100) });
    expect([moved.statusCode, moved.json().code]).toEqual([422, 'PAST_RESCHEDULE_CUTOFF']);
    expect((await inject('POST', `/api/appointments/${booked.json().id}/reschedule`, staff.headers, { startsAt: hoursAhead(100) })).statusCode).toBe(200);

    const late = await book(hoursAhead(3));
    expect(late.statusCode).toBe(201);
    const cancel = await inject('POST', `/api/appointments/${late.json().id}/cancel`, user.headers, {});
    expect([cancel.statusCode, cancel.json().code]).toEqual([422, 'PAST_CANCEL_CUTOFF']);
    expect((await inject('POST', `/api/appointments/${late.json().id}/cancel`, staff.headers, {})).statusCode).toBe(200);
    expect((await inject('POST', `/api/appointments/${booked.json().id}/cancel`, user.headers, {})).statusCode).toBe(200);
  });

  it('refuses a patient’s series when an occurrence breaks the policy, listing it', async () => {
    await inject('PUT', '/api/scheduling/policy', admin.headers, policy);
    const user = users.patient();
    const patient = peers.addPatient({ ownerUserId: user.userId });
    const doctor = peers.addDoctor();
    const response = await inject('POST', '/api/appointments/series', user.headers, {
      patientId: patient.id,
      doctorId: doctor.id,
      startsAt: hoursAhead(24 * 20),
      recurrence: { frequency: 'WEEKLY', count: 3 },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'TOO_FAR_AHEAD', details: [{ field: 'occurrences[2]' }] });
  });
});
