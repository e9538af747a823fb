import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, patientInput, startPatientService, userOf, type TestService } from './support.js';

// Billing is not reachable here: creating a patient answers with billing status PENDING.
let service: TestService;
let staff: string;

beforeAll(async () => {
  service = await startPatientService('127.0.0.1:1', { BILLING_DEADLINE_MS: '50' });
  staff = userOf(service.tokens, 'staff').token;
});
afterAll(async () => {
  await service?.close();
});

const savedEvents = async (patientId: string) =>
  (
    await service.database.sql<{ payload: { type: string; data: { contactPreferences?: unknown } } }[]>`
      select payload from outbox where key = ${patientId} order by sequence`
  ).map((row) => [row.payload.type, row.payload.data.contactPreferences]);

describe('contact preferences', () => {
  it('default to email on and SMS off, and travel in PatientCreated', async () => {
    const created = await call(service.app, 'POST', '/api/patients', staff, patientInput());
    expect(created.statusCode).toBe(201);
    expect(created.json().contactPreferences).toEqual({ email: true, sms: false });
    expect(await savedEvents(created.json().id)).toEqual([['PatientCreated', { email: true, sms: false }]]);
  });

  it('are set at create and update; an update without them keeps them', async () => {
    const created = await call(service.app, 'POST', '/api/patients', staff, patientInput({ contactPreferences: { email: false, sms: true } }));
    const { id } = created.json();
    expect(created.json().contactPreferences).toEqual({ email: false, sms: true });

    const kept = await call(service.app, 'PUT', `/api/patients/${id}`, staff, patientInput({ email: created.json().email }));
    expect(kept.json().contactPreferences).toEqual({ email: false, sms: true });
    const changed = await call(service.app, 'PUT', `/api/patients/${id}`, staff, patientInput({ email: created.json().email, contactPreferences: { email: true, sms: true } }));
    expect(changed.json().contactPreferences).toEqual({ email: true, sms: true });
    expect((await call(service.app, 'GET', `/api/patients/${id}`, staff)).json().contactPreferences).toEqual({ email: true, sms: true });
    expect((await savedEvents(id)).slice(-1)).toEqual([['PatientUpdated', { email: true, sms: true }]]);
  });

  it('names the field of a bad preference (400)', async () => {
    const response = await call(service.app, 'POST', '/api/patients', staff, patientInput({ contactPreferences: { email: 'yes', sms: false } }));
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().details)).toContain('contactPreferences.email');
  });
});
