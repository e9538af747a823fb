import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { GatewayClient } from './client.js';
import { eventually } from './eventually.js';

export interface PatientUser {
  email: string;
  password: string;
  token: string;
  patientId: string;
}

/**
 * A patient who registers, proves the email (the link of the mail in the SMTP sink) and creates
 * their own record, as the portal does: a patient user whose compartment is that one record.
 */
export async function registerPatientUser(api: GatewayClient, smtpApiUrl: string, name: string, dateOfBirth = '1988-04-12'): Promise<PatientUser> {
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${randomUUID().slice(0, 8)}@e2e.example`;
  const password = `pw-${randomUUID()}`;
  expect((await api.post('/auth/register', { email, password, name })).status).toBe(201);
  // The first mail of a run waits for notification's consumer groups to settle: seconds on a busy machine.
  const mail = await eventually(`verification mail to ${email}`, async () => {
    const response = await fetch(`${smtpApiUrl}/api/v1/search?query=${encodeURIComponent(`to:${email}`)}`);
    const { messages } = (await response.json()) as { messages: { ID: string; Subject: string }[] };
    return messages.find((m) => /Verify your email/.test(m.Subject));
  }, 60_000);
  const message = (await (await fetch(`${smtpApiUrl}/api/v1/message/${mail.ID}`)).json()) as { Text: string };
  const verification = /verify-email\?token=([\w-]+)/.exec(message.Text)?.[1];
  expect((await api.post('/auth/verify-email', { token: verification })).status).toBe(204);
  const token = await api.login(email, password);
  const record = await api.post('/api/patients', { name, email, dateOfBirth }, token);
  expect(record.status).toBe(201);
  return { email, password, token, patientId: record.body.id as string };
}
