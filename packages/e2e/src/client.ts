/* eslint-disable @typescript-eslint/no-explicit-any -- the suite reads JSON answers the way a front end would: untyped, asserted field by field. */
/** A tiny client for the gateway: JSON in, `{status, body}` out, a bearer token when given. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** `timeoutMs` bounds each request (the default suits an idle machine; a loaded CI run may need more). */
export function gatewayClient(baseUrl: string, timeoutMs = 10_000) {
  const request = async <T = any>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<ApiResponse<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: <T = any>(path: string, token?: string) => request<T>('GET', path, { token }),
    post: <T = any>(path: string, body: unknown, token?: string) => request<T>('POST', path, { token, body }),
    put: <T = any>(path: string, body: unknown, token?: string) => request<T>('PUT', path, { token, body }),
    async login(email: string, password: string): Promise<string> {
      const { status, body } = await request<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } });
      if (status !== 200) throw new Error(`login of ${email} failed: ${status} ${JSON.stringify(body)}`);
      return body.accessToken;
    },
  };
}
export type GatewayClient = ReturnType<typeof gatewayClient>;
