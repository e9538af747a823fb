import type { Role } from '@pms/contracts/http';
import { forbidden } from '../errors.js';

/** Who is calling, from a verified access token. Passed into domain functions. */
export interface Principal {
  userId: string;
  role: Role;
  email?: string;
  /** The account proved its email (auth's `email_verified` claim). */
  emailVerified?: boolean;
  doctorId?: string;
}

export const isStaff = (principal: Principal) => principal.role === 'admin' || principal.role === 'staff';

/** Throws 403 unless the principal has one of the roles. */
export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.includes(principal.role)) throw forbidden(`Requires role ${roles.join(' or ')}`);
}

/** Who asks, and the request id that travels to peers, into events and the audit log: every use case takes one. */
export interface Actor {
  principal: Principal;
  requestId: string;
}
