import type { Principal } from '@pms/platform/domain';

/** Who is asking and under which request id: every use case gets one, for authorization and the audit log. */
export interface Actor {
  principal: Principal;
  requestId: string;
}

/** A patient user reaches only the record they own; every other role reaches every record. */
export const ownerScopeOf = ({ principal }: Actor): string | undefined =>
  principal.role === 'patient' ? principal.userId : undefined;
