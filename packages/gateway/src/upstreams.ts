import type { GatewayConfig } from './config.js';

export interface Upstream {
  /** The service name: in readiness checks and in /docs. */
  name: string;
  /** The path prefix the service owns; forwarded unchanged. */
  prefix: string;
  /** Further prefixes the same service owns (one proxy each, one entry in /docs). */
  morePrefixes?: string[];
  url: string;
}

/** DESIGN.md §3: who owns which prefix. `/auth` is public; everything under `/api` needs a token. */
export function upstreamsOf(config: GatewayConfig): { auth: Upstream; api: Upstream[] } {
  return {
    auth: { name: 'auth', prefix: '/auth', url: config.AUTH_URL },
    api: [
      { name: 'patient', prefix: '/api/patients', url: config.PATIENT_URL },
      { name: 'doctor', prefix: '/api/doctors', morePrefixes: ['/api/locations', '/api/rooms', '/api/equipment'], url: config.DOCTOR_URL },
      {
        name: 'appointment',
        prefix: '/api/appointments',
        morePrefixes: ['/api/appointment-types', '/api/scheduling', '/api/waitlist'],
        url: config.APPOINTMENT_URL,
      },
      { name: 'billing', prefix: '/api/billing', url: config.BILLING_URL },
      { name: 'analytics', prefix: '/api/analytics', url: config.ANALYTICS_URL },
      { name: 'notification', prefix: '/api/notifications', url: config.NOTIFICATION_URL },
    ],
  };
}
