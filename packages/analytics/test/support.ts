import type { EventLogger } from '@pms/platform';
import { createTestTokenIssuer } from '@pms/platform/testing';

export const quiet: EventLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
export const issuer = createTestTokenIssuer();
export const bearer = (role: 'admin' | 'staff' | 'doctor' | 'patient') => ({ authorization: `Bearer ${issuer.token({ role })}` });
