import { apiErrorOf } from './errors.js';

export interface Claims {
  sub: string;
  role: 'admin' | 'staff' | 'doctor' | 'patient';
  email?: string;
  email_verified?: boolean;
  doctorId?: string;
  exp: number;
}

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export type SessionListener = (claims: Claims | null) => void;

const REFRESH_KEY = 'pms.refreshToken';
const fhirJson = 'application/fhir+json';
/** Refresh this long before the access token expires, so a request never races its expiry. */
const REFRESH_AHEAD_MS = 30_000;

export function decodeClaims(token: string): Claims {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(json) as Claims;
}

export interface ClientOptions {
  baseUrl?: string;
  /** Where the refresh token survives a reload of the tab (sessionStorage in the browser). */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetch?: typeof fetch;
}

/**
 * The one way the console talks to the gateway. The access token lives only in memory; the
 * refresh token in the tab's session storage. A token nearing its expiry is refreshed quietly,
 * and a 401 is retried once after a refresh.
 */
export class ApiClient {
  private accessToken: string | undefined;
  private claims: Claims | null = null;
  private refreshing: Promise<boolean> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<SessionListener>();
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  get session(): Claims | null {
    return this.claims;
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(email: string, password: string): Promise<Claims> {
    const pair = await this.send<TokenPair>('POST', '/auth/login', { email, password }, false);
    return this.adopt(pair);
  }

  /** Trades the stored refresh token for new tokens; false (and signed out) when it is gone or rejected. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * Revokes the session server-side first (the access token dies with it, and expires soon anyway),
   * then forgets it: the sign-in screen appears only once the refresh token no longer works. An
   * unreachable server still signs the tab out.
   */
  async signOut(): Promise<void> {
    const refreshToken = this.options.storage.getItem(REFRESH_KEY);
    clearTimeout(this.timer);
    if (refreshToken) await this.send('POST', '/auth/logout', { refreshToken }, false).catch(() => undefined);
    this.clear();
  }

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }
  /** A FHIR read or operation under /fhir/R4 (the same token; errors are OperationOutcomes). */
  getFhir<T>(path: string): Promise<T> {
    return this.send<T>('GET', `/fhir/R4/${path}`, undefined, true, fhirJson);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.send<T>('POST', path, body ?? {});
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PUT', path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.send<T>('DELETE', path);
  }

  private async send<T>(method: string, path: string, body?: unknown, authenticated = true, accept = 'application/json'): Promise<T> {
    let response = await this.raw(method, path, body, authenticated, accept);
    if (response.status === 401 && authenticated && this.options.storage.getItem(REFRESH_KEY) && (await this.refresh())) {
      response = await this.raw(method, path, body, authenticated, accept);
    }
    if (!response.ok) throw await apiErrorOf(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private raw(method: string, path: string, body: unknown, authenticated: boolean, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (authenticated && this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    return this.fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.options.storage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    try {
      this.adopt(await this.send<TokenPair>('POST', '/auth/refresh', { refreshToken }, false));
      return true;
    } catch {
      this.clear();
      return false;
    }
  }

  private adopt(pair: TokenPair): Claims {
    this.accessToken = pair.accessToken;
    this.options.storage.setItem(REFRESH_KEY, pair.refreshToken);
    this.claims = decodeClaims(pair.accessToken);
    clearTimeout(this.timer);
    const delay = Math.max(pair.expiresIn * 1000 - REFRESH_AHEAD_MS, 5_000);
    this.timer = setTimeout(() => void this.refresh(), delay);
    this.emit();
    return this.claims;
  }

  private clear() {
    clearTimeout(this.timer);
    this.accessToken = undefined;
    this.claims = null;
    this.options.storage.removeItem(REFRESH_KEY);
    this.emit();
  }

  private emit() {
    for (const listener of this.listeners) listener(this.claims);
  }
}
