import type { Balancer } from './balancer.js';
import type { GatewayConfig } from './config.js';

export interface Upstream {
  /** The service name: in readiness checks and in /docs. */
  name: string;
  /** The path prefix the service owns; forwarded unchanged. */
  prefix: string;
  /** Further prefixes the same service owns (one proxy each, one entry in /docs). */
  morePrefixes?: string[];
  /** The service's replicas, and which of them to send to. */
  balancer: Balancer;
}

type MakeBalancer = (name: string, origins: string[]) => Balancer;

/** DESIGN.md §3: who owns which prefix. `/auth` is public; everything under `/api` needs a token. */
export function upstreamsOf(config: GatewayConfig, balancer: MakeBalancer): { auth: Upstream; api: Upstream[] } {
  return {
    auth: { name: 'auth', prefix: '/auth', balancer: balancer('auth', config.AUTH_URL) },
    api: [
      { name: 'patient', prefix: '/api/patients', balancer: balancer('patient', config.PATIENT_URL) },
      {
        name: 'doctor',
        prefix: '/api/doctors',
        morePrefixes: ['/api/locations', '/api/rooms', '/api/equipment'],
        balancer: balancer('doctor', config.DOCTOR_URL),
      },
      {
        name: 'appointment',
        prefix: '/api/appointments',
        morePrefixes: ['/api/appointment-types', '/api/scheduling', '/api/waitlist'],
        balancer: balancer('appointment', config.APPOINTMENT_URL),
      },
      { name: 'billing', prefix: '/api/billing', balancer: balancer('billing', config.BILLING_URL) },
      { name: 'analytics', prefix: '/api/analytics', balancer: balancer('analytics', config.ANALYTICS_URL) },
      { name: 'notification', prefix: '/api/notifications', balancer: balancer('notification', config.NOTIFICATION_URL) },
    ],
  };
}
