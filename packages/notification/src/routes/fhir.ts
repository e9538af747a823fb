import { actorOf, type ServiceInstance } from '@pms/platform';
import { fhirResource, registerFhir } from '@pms/platform/fhir';
import { findCommunications, getCommunication } from '../domain/communications.js';
import type { NotificationContext } from '../domain/context.js';
import { toCommunication } from '../fhir/communication.js';

/** Communication over FHIR: the notification log, read and searched by the patient it is about. */
const communication = (ctx: NotificationContext) =>
  fhirResource({
    type: 'Communication',
    searchParams: {
      subject: { type: 'reference', description: 'The patient the message is about (Patient/<id>); a patient user sees only their own', target: ['Patient'] },
    },
    read: async (request, id) => toCommunication(await getCommunication(ctx, actorOf(request), id)),
    search: async (request, search) => {
      const subject = search.referenceUuid('subject', 'Patient');
      // A subject that is no UUID names no patient of ours: nothing matches.
      if (subject === null) return { resources: [], total: 0 };
      const found = await findCommunications(ctx, actorOf(request), subject, { limit: search.count, offset: search.offset });
      return { resources: found.rows.map(toCommunication), total: found.total };
    },
  });

/** The FHIR API of the notification service: /fhir/R4/Communication and its /metadata. */
export const registerNotificationFhir = (app: ServiceInstance, ctx: NotificationContext) =>
  registerFhir(app, { name: 'notification', version: '0.1.0' }, [communication(ctx)]);
