import { AppointmentMergeResult, ErrorResponse } from '@pms/contracts';
import { AppError, unavailable } from '@pms/platform/domain';
import type { AppointmentMerges } from '../domain/merge-ports.js';

/**
 * appointment's POST /api/appointments/patient-merges behind the domain's port, with the caller's
 * token and request id. appointment's refusals (409 overlap, 403, 404) come back as the same
 * errors; no answer within the deadline, or a 5xx, is a 503: nothing was merged.
 */
export const appointmentMergesOver = (baseUrl: string, deadlineMs: number): AppointmentMerges => ({
  async move(merge, caller) {
    let response: Response;
    try {
      response = await fetch(new URL('/api/appointments/patient-merges', baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: caller.authorization, 'x-request-id': caller.requestId },
        body: JSON.stringify(merge),
        signal: AbortSignal.timeout(deadlineMs),
      });
    } catch (error) {
      throw unavailable('appointment did not answer: nothing was merged', 'APPOINTMENT_UNAVAILABLE', error);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok) return AppointmentMergeResult.parse(body);
    const refusal = ErrorResponse.safeParse(body);
    if (response.status < 500 && refusal.success) {
      const { message, code, details } = refusal.data;
      throw new AppError(kindOf(response.status), `appointment refused the merge: ${message}`, code, details);
    }
    throw unavailable(`appointment answered ${response.status}: nothing was merged`, 'APPOINTMENT_UNAVAILABLE');
  },
});

const kindOf = (status: number) =>
  status === 409 ? 'CONFLICT' : status === 404 ? 'NOT_FOUND' : status === 403 || status === 401 ? 'FORBIDDEN' : ('BAD_INPUT' as const);
