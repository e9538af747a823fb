import type { ErrorResponse } from '@pms/contracts/http';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { AppError } from '../errors.js';

export interface ClientTimeouts {
  /** From the connection (or the previous request) to the end of the request's headers. */
  headersMs: number;
  /** From the end of the headers to the last byte of the body. */
  bodyMs: number;
}

export const defaultClientTimeouts: ClientTimeouts = { headersMs: 10_000, bodyMs: 10_000 };

/**
 * Node's own bounds on a slow client. Node checks them every connectionsCheckingInterval (30 s by
 * default, far too coarse) and answers 408 through the clientError handler below; its
 * requestTimeout is only the backstop: the body bound of `installBodyDeadline` answers first,
 * with the request's id.
 */
export function clientTimeoutServerOptions(timeouts: ClientTimeouts): {
  requestTimeout: number;
  http: ServerOptions;
  clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => void;
} {
  return {
    requestTimeout: timeouts.headersMs + timeouts.bodyMs + 1_000,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs) },
    clientErrorHandler: answerClientError,
  };
}

/** A request Node could not hand to Fastify (too slow, malformed): still the one error shape. */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [statusCode, code, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'The request did not arrive in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'Request headers are too large']
        : [400, 'BAD_REQUEST', 'Malformed request'];
  const body: ErrorResponse = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code, requestId: randomUUID() };
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${statusCode} ${body.error}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
        `X-Request-Id: ${body.requestId}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy();
}

/**
 * Reads every request body into memory before anything else sees it, within `bodyMs` and
 * `limitBytes`: a client that declares 1,000 bytes and sends 9 gets a 408 and holds nothing
 * further in (at the gateway: no upstream connection, which is only taken once the body is here).
 */
export function installBodyDeadline(app: FastifyInstance, timeouts: ClientTimeouts, limitBytes: number): void {
  // The callback form: most requests have no body and pass straight through, without a promise.
  app.addHook('preParsing', (request, reply, payload, done) => {
    const headers = request.headers;
    if (!headers['transfer-encoding'] && (headers['content-length'] === undefined || headers['content-length'] === '0')) {
      done(null, payload);
      return;
    }
    readWithin(payload, timeouts.bodyMs, limitBytes).then(
      (body) => done(null, Readable.from([body], { objectMode: false })),
      (error: Error) => {
        // The rest of the body may still be on its way: do not read it, close after the answer.
        reply.header('connection', 'close');
        done(error);
      },
    );
  });
}

function readWithin(stream: Readable, timeoutMs: number, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      stream.off('data', onData).off('end', onEnd).off('error', finish).off('close', onClose);
      if (error) {
        stream.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) finish(new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large', 'PAYLOAD_TOO_LARGE'));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onClose = () => finish(new Error('The client closed the connection before sending its whole body'));
    const timer = setTimeout(
      () => finish(new AppError('REQUEST_TIMEOUT', `The request body did not arrive within ${timeoutMs} ms`, 'REQUEST_TIMEOUT')),
      timeoutMs,
    );
    stream.on('data', onData).on('end', onEnd).on('error', finish).on('close', onClose);
  });
}
