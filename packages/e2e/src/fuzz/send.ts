import { Agent, request } from 'node:http';

export interface RawAnswer {
  status: number;
  body: unknown;
  /** Set when no answer came: a timeout (a hang) or a dropped connection. */
  failure?: string;
  ms: number;
}

/**
 * Sends one request with its path exactly as given (fetch would resolve `..` and re-encode),
 * and gives up after timeoutMs: a request that takes longer is a hang.
 */
export function sendRaw(
  agent: Agent,
  baseUrl: string,
  options: { method: string; path: string; body?: string; contentType?: string; token?: string; timeoutMs: number },
): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve) => {
    const req = request({
      agent,
      host: url.hostname,
      port: url.port,
      method: options.method,
      path: options.path,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ status: 0, body: undefined, failure: `no answer within ${options.timeoutMs} ms`, ms: Date.now() - started });
    }, options.timeoutMs);
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON: kept as text for the report.
        }
        resolve({ status: response.statusCode ?? 0, body, ms: Date.now() - started });
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: 0, body: undefined, failure: `connection failed: ${error.message}`, ms: Date.now() - started });
    });
    req.end(options.body);
  });
}
