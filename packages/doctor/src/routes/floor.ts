import {
  EquipmentInput,
  IdParams,
  Location,
  LocationInput,
  LocationList,
  Resource,
  ResourceList,
  ResourceListQuery,
  ResourceTimeOff,
  ResourceTimeOffList,
  RoomInput,
  TimeOffInput,
  TimeOffParams,
  TimeOffQuery,
  type ResourceCategory,
} from '@pms/contracts';
import { actorOf, type ServiceInstance } from '@pms/platform';
import { z } from 'zod';
import type { DoctorContext } from '../domain/context.js';
import {
  addResourceTimeOff,
  allLocations,
  createLocation,
  createResource,
  getLocation,
  getResource,
  removeResourceTimeOff,
  replaceLocation,
  replaceResource,
  resourcesOf,
  resourceTimeOff,
} from '../domain/floor.js';

/** Locations, rooms and equipment (the clinic floor) and the rooms' and devices' maintenance. */
export function registerFloorRoutes(app: ServiceInstance, ctx: DoctorContext) {
  app.get('/api/locations', { schema: { summary: 'The clinic’s locations', response: { 200: LocationList } } }, async () => allLocations(ctx));
  app.post(
    '/api/locations',
    { schema: { summary: 'Create a location (admin)', body: LocationInput, response: { 201: Location } } },
    async (request, reply) => reply.code(201).send(await createLocation(ctx, actorOf(request), request.body)),
  );
  app.get(
    '/api/locations/:id',
    { schema: { summary: 'One location', params: IdParams, response: { 200: Location } } },
    async (request) => getLocation(ctx, request.params.id),
  );
  app.put(
    '/api/locations/:id',
    { schema: { summary: 'Replace a location (admin); working hours held there follow a new time zone', params: IdParams, body: LocationInput, response: { 200: Location } } },
    async (request) => replaceLocation(ctx, actorOf(request), request.params.id, request.body),
  );
  registerResourceRoutes(app, ctx, 'ROOM', '/api/rooms', RoomInput);
  registerResourceRoutes(app, ctx, 'EQUIPMENT', '/api/equipment', EquipmentInput);
}

function registerResourceRoutes(
  app: ServiceInstance,
  ctx: DoctorContext,
  category: ResourceCategory,
  prefix: string,
  input: typeof RoomInput | typeof EquipmentInput,
) {
  const what = category === 'ROOM' ? 'room' : 'device';
  app.get(
    prefix,
    { schema: { summary: `List ${category === 'ROOM' ? 'rooms' : 'equipment'} (filter by location, kind)`, querystring: ResourceListQuery, response: { 200: ResourceList } } },
    async (request) => resourcesOf(ctx, category, request.query),
  );
  app.post(
    prefix,
    { schema: { summary: `Create a ${what} (admin)`, body: input, response: { 201: Resource } } },
    async (request, reply) => reply.code(201).send(await createResource(ctx, actorOf(request), category, { ...request.body, locationId: request.body.locationId ?? null })),
  );
  app.get(
    `${prefix}/:id`,
    { schema: { summary: `One ${what}`, params: IdParams, response: { 200: Resource } } },
    async (request) => getResource(ctx, category, request.params.id),
  );
  app.put(
    `${prefix}/:id`,
    { schema: { summary: `Replace a ${what} (admin)`, params: IdParams, body: input, response: { 200: Resource } } },
    async (request) => replaceResource(ctx, actorOf(request), category, request.params.id, { ...request.body, locationId: request.body.locationId ?? null }),
  );
  app.get(
    `${prefix}/:id/time-off`,
    { schema: { summary: `The ${what}’s maintenance (optionally only what overlaps [from, to))`, params: IdParams, querystring: TimeOffQuery, response: { 200: ResourceTimeOffList } } },
    async (request) => resourceTimeOff(ctx, category, request.params.id, request.query),
  );
  app.post(
    `${prefix}/:id/time-off`,
    { schema: { summary: `Add maintenance of the ${what} (admin)`, params: IdParams, body: TimeOffInput, response: { 201: ResourceTimeOff } } },
    async (request, reply) => reply.code(201).send(await addResourceTimeOff(ctx, actorOf(request), category, request.params.id, request.body)),
  );
  app.delete(
    `${prefix}/:id/time-off/:timeOffId`,
    { schema: { summary: `Remove maintenance of the ${what} (admin)`, params: TimeOffParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await removeResourceTimeOff(ctx, actorOf(request), category, request.params.id, request.params.timeOffId);
      return reply.code(204).send(null);
    },
  );
}
