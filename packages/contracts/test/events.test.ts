import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventCatalog, parseEvent } from '../src/index.js';

const envelope = (type: string, data: unknown) => ({
  id: randomUUID(),
  type,
  version: 1,
  occurredAt: new Date().toISOString(),
  source: 'test',
  subject: randomUUID(),
  data,
  requestId: null,
});

describe('event envelope', () => {
  it('accepts a well-formed PatientDeleted and types its payload', () => {
    const patientId = randomUUID();
    const result = parseEvent(envelope('PatientDeleted', { patientId }));
    expect(result).toMatchObject({ ok: true, event: { type: 'PatientDeleted', data: { patientId } } });
  });

  it('rejects an unknown type, naming it', () => {
    const result = parseEvent(envelope('PatientExploded', {}));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/invalid envelope.*type/s);
  });

  it('rejects a payload that does not fit its type, naming the field', () => {
    const result = parseEvent(envelope('InvoicePaid', { invoiceId: 'nope' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/invalid InvoicePaid payload[\s\S]*invoiceId/);
  });

  it('puts every event type on its aggregate topic', () => {
    // Scheduling and waitlist events belong to appointment (it owns them); auth's go to its own topics.
    const owner: Record<string, string> = {
      Invoice: 'billing-events',
      SchedulingPolicy: 'appointment-events',
      Waitlist: 'appointment-events',
      EmailVerification: 'auth-events',
      UserTokens: 'auth-revocations',
    };
    for (const [type, entry] of Object.entries(eventCatalog)) {
      const prefix = type.match(/^(Patient|Doctor|Appointment|Billing|Invoice|SchedulingPolicy|Waitlist|EmailVerification|UserTokens)/)?.[1];
      expect(prefix, type).toBeDefined();
      expect(entry.topic, type).toBe(owner[prefix!] ?? `${prefix!.toLowerCase()}-events`);
    }
  });
});
