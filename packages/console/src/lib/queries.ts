import type { Appointment, Doctor, Invoice, Patient } from '@pms/contracts/http';
import { keepPreviousData, useQueries, useQuery, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useApi } from '../api/session.js';

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

export function useDoctors() {
  const api = useApi();
  return useQuery({ queryKey: ['doctors'], queryFn: () => api.get<Page<Doctor>>('/api/doctors?pageSize=100') });
}

export function useDoctor(id: string | undefined) {
  const api = useApi();
  return useQuery({ queryKey: ['doctor', id], queryFn: () => api.get<Doctor>(`/api/doctors/${id}`), enabled: Boolean(id) });
}

export function usePatient(id: string | undefined) {
  const api = useApi();
  return useQuery({ queryKey: ['patient', id], queryFn: () => api.get<Patient>(`/api/patients/${id}`), enabled: Boolean(id), staleTime: 60_000 });
}

/** `live`: a view several people change at once (a calendar) asks again every little while. */
const LIVE_REFRESH_MS = 15_000;

export function useAppointments(params: Record<string, string | undefined>, options: { enabled?: boolean; live?: boolean } = {}) {
  return usePage<Appointment>('appointments', '/api/appointments', { pageSize: 100, ...params }, { enabled: options.enabled, live: options.live });
}

export function useInvoices(params: Record<string, string | number | undefined>, enabled = true) {
  return usePage<Invoice>('invoices', '/api/billing/invoices', params, { enabled });
}

type Api = ReturnType<typeof useApi>;
type Slots = { slots: { startsAt: string; endsAt: string }[] };

/** A doctor's free slots in [from, to); with a type, the starts where a visit of it fits (rooms and devices too). */
const availabilityQuery = (api: Api, doctorId: string | undefined, from: string, to: string, appointmentTypeId: string | undefined, live: boolean) => ({
  queryKey: ['availability', doctorId, from, to, appointmentTypeId ?? ''],
  queryFn: () => api.get<Slots>(`/api/doctors/${doctorId}/availability${query({ from, to, appointmentTypeId })}`),
  enabled: Boolean(doctorId),
  refetchInterval: live ? LIVE_REFRESH_MS : (false as const),
});

export function useAvailability(doctorId: string | undefined, from: string, to: string, live = false) {
  return useQuery(availabilityQuery(useApi(), doctorId, from, to, undefined, live));
}

/** The free slots of several doctors at once (the day grid's columns), in their order. */
export function useAvailabilities(doctorIds: string[], from: string, to: string, appointmentTypeId: string | undefined, live = false) {
  const api = useApi();
  return useQueries({ queries: doctorIds.map((doctorId) => availabilityQuery(api, doctorId, from, to, appointmentTypeId, live)) });
}

/**
 * One page of a list endpoint. `keepPrevious` leaves the last page on screen while the next loads
 * (paging, typing a filter); not for views where stale rows of another doctor or day would mislead.
 */
export function usePage<T>(
  key: string,
  path: string,
  params: Record<string, string | number | undefined>,
  options: { enabled?: boolean; keepPrevious?: boolean; live?: boolean } = {},
) {
  const api = useApi();
  return useQuery({
    queryKey: [key, params],
    queryFn: () => api.get<Page<T>>(`${path}${query(params)}`),
    placeholderData: options.keepPrevious ? keepPreviousData : undefined,
    enabled: options.enabled ?? true,
    refetchInterval: options.live ? LIVE_REFRESH_MS : false,
  });
}

/**
 * After a write, ask again for what it changed. An answer still on its way was asked before the
 * write: TanStack Query would keep it as fresh (it reuses a first load in flight rather than asking
 * again), and the new row would be missing until the query goes stale. So drop it first.
 */
export async function refreshAfterWrite(queries: QueryClient, ...keys: QueryKey[]): Promise<void> {
  await Promise.all(
    keys.map(async (queryKey) => {
      await queries.cancelQueries({ queryKey });
      await queries.invalidateQueries({ queryKey });
    }),
  );
}
