import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ApiClient, Claims } from './client.js';

interface SessionValue {
  api: ApiClient;
  claims: Claims | null;
  /** False until a stored refresh token was tried at start. */
  ready: boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  const [claims, setClaims] = useState<Claims | null>(api.session);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const unsubscribe = api.subscribe(setClaims);
    void api.refresh().finally(() => setReady(true));
    return unsubscribe;
  }, [api]);
  return <SessionContext.Provider value={{ api, claims, ready }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export const useApi = () => useSession().api;

export const isStaff = (claims: Claims | null) => claims?.role === 'admin' || claims?.role === 'staff';
