import type { Appointment, Doctor, Invoice, Patient } from '@pms/contracts/http';
import { useQuery } from '@tanstack/react-query';
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

export function useAppointments(params: Record<string, string | undefined>, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: ['appointments', params],
    queryFn: () => api.get<Page<Appointment>>(`/api/appointments${query({ pageSize: 100, ...params })}`),
    enabled,
  });
}

export function useInvoices(params: Record<string, string | number | undefined>, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: ['invoices', params],
    queryFn: () => api.get<Page<Invoice>>(`/api/billing/invoices${query(params)}`),
    enabled,
  });
}

export function useAvailability(doctorId: string | undefined, from: string, to: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['availability', doctorId, from, to],
    queryFn: () => api.get<{ slots: { startsAt: string; endsAt: string }[] }>(`/api/doctors/${doctorId}/availability${query({ from, to })}`),
    enabled: Boolean(doctorId),
  });
}
