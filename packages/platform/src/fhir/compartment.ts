import type { Actor } from '../auth/principal.js';
import { isAppError } from '../errors.js';

/**
 * FHIR's patient compartment: to a patient user, a resource of another patient (the domain's
 * 403 NOT_OWNER, which the JSON API answers) or of a patient that no longer exists (404) does not
 * exist. `ifNotTheirs` is what the patient user gets instead: a 404 for a read or an update, an
 * empty page for a search. Staff and doctors get the domain's answer unchanged.
 */
export async function inPatientCompartment<T>(actor: Actor, work: Promise<T>, ifNotTheirs: () => T): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const notTheirs = isAppError(error) && (error.code === 'NOT_OWNER' || error.kind === 'NOT_FOUND');
    if (actor.principal.role === 'patient' && notTheirs) return ifNotTheirs();
    throw error;
  }
}
