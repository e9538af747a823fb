import type { AppointmentType, SchedulingPolicy } from '@pms/contracts/http';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/session.js';

export function useAppointmentTypes() {
  const api = useApi();
  return useQuery({ queryKey: ['appointment-types'], queryFn: () => api.get<{ items: AppointmentType[] }>('/api/appointment-types') });
}

export function usePolicy() {
  const api = useApi();
  return useQuery({ queryKey: ['policy'], queryFn: () => api.get<SchedulingPolicy>('/api/scheduling/policy') });
}
