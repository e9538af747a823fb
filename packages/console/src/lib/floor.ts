import type { Location, Resource, ResourceCategory } from '@pms/contracts/http';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useApi } from '../api/session.js';
import { query } from './queries.js';

/** Where rooms and devices live in the API, and how the console names them. */
export const resourcePaths: Record<ResourceCategory, string> = { ROOM: '/api/rooms', EQUIPMENT: '/api/equipment' };
export const categoryLabels: Record<ResourceCategory, string> = { ROOM: 'Room', EQUIPMENT: 'Equipment' };

export function useLocations() {
  const api = useApi();
  return useQuery({ queryKey: ['locations'], queryFn: () => api.get<{ items: Location[] }>('/api/locations') });
}

/** The location a screen starts on: the one asked for, else the default one (existing schedules work there). */
export function chosenLocation(locations: Location[] | undefined, id: string | null | undefined): Location | undefined {
  return locations?.find((location) => location.id === id) ?? locations?.find((location) => location.isDefault) ?? locations?.[0];
}

export function useResources(category: ResourceCategory, filter: { locationId?: string } = {}, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: ['resources', category, filter],
    queryFn: () => api.get<{ items: Resource[] }>(`${resourcePaths[category]}${query(filter)}`),
    enabled,
  });
}

export interface Maintenance {
  id: string;
  resourceId: string;
  startsAt: string;
  endsAt: string;
  reason: string | null;
}

/** Each resource's maintenance overlapping [from, to), in the order of `ids`. */
export function useMaintenance(category: ResourceCategory, ids: string[], from: string, to: string) {
  const api = useApi();
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: ['time-off', `${resourcePaths[category]}/${id}`, from, to],
      queryFn: () => api.get<{ items: Maintenance[] }>(`${resourcePaths[category]}/${id}/time-off${query({ from, to })}`),
    })),
  });
}
