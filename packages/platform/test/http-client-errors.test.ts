import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type ServiceInstance } from '../src/index.js';

// Fastify refuses some requests itself, before a route's zod schema sees them. Those answers must
// be in the one error shape too, and name the part of the request to fix (issue 10 #3).
let app: ServiceInstance;

beforeAll(async () => {
  app = await createService({ name: 'sample', logLevel: 'silent' });
  app.post('/things/:id', { schema: { params: z.object({ id: z.uuid() }), body: z.object({ name: z.string() }) } }, async () => ({}));
  app.get('/proxied/*', async () => {
    // What @fastify/reply-from throws for a `..` segment in a proxied path.
    throw Object.assign(new Error('source/request contain invalid characters'), { statusCode: 400 });
  });
  await app.ready();
});
afterAll(() => app.close());

const fieldsOf = (body: { details?: { field: string }[] }) => (body.details ?? []).map((detail) => detail.field);

describe('400s Fastify answers on its own', () => {
  it('names the body when it is not valid JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/things/${crypto.randomUUID()}`,
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    expect(fieldsOf(response.json())).toEqual(['body']);
  });

  it('names the path when it cannot be decoded, in the one error shape with a request id', async () => {
    const response = await app.inject({ method: 'POST', url: '/things/%E0%A4%A', headers: { 'x-request-id': 'bad-url-1' }, payload: { name: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'FST_ERR_BAD_URL',
      message: expect.any(String),
      requestId: 'bad-url-1',
      details: [{ field: 'path', message: expect.stringContaining('not a valid url') }],
    });
  });

  it('names the path when a parameter is longer than the router takes', async () => {
    const response = await app.inject({ method: 'POST', url: `/things/${'x'.repeat(500)}`, payload: { name: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'FST_ERR_MAX_PARAM_LENGTH' });
    expect(fieldsOf(response.json())).toEqual(['path']);
  });

  it('names the path when a proxy refuses a `..` segment', async () => {
    // inject would resolve a `..` itself; the route throws what the proxy throws for one.
    const response = await app.inject({ method: 'GET', url: '/proxied/secret' });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(['path']);
  });

  it('still names the parameter when the route parses it', async () => {
    const response = await app.inject({ method: 'POST', url: '/things/a%00b', payload: { name: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(['id']);
  });
});
