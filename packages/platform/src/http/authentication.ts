import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt';
import { AccessTokenClaims } from '@pms/contracts/http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { PublicKeyStore, type TokenKeySource } from '../auth/keys.js';
import type { RevocationList } from '../auth/revocations.js';
import type { Actor, Principal } from '../auth/principal.js';
import { VerifiedTokens, type VerifiedToken } from '../auth/verified-tokens.js';
import { isAppError, unauthenticated } from '../errors.js';

export interface AuthenticationOptions {
  keys: TokenKeySource;
  issuer: string;
  audience: string;
  /** Paths under these prefixes need a valid access token (default `/api`). */
  protectedPrefix?: string | string[];
  /** Paths under a protected prefix that need no token (compared without the query string). */
  publicPaths?: string[];
  /** Users whose earlier tokens were revoked (logout, disabled, deleted); fed by startRevocationFeed. */
  revocations?: RevocationList;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every request under the protected prefix; undefined elsewhere. */
    principal?: Principal;
  }
}

/** Asymmetric algorithms only: `none` and HMAC tokens never verify. */
const algorithms = ['EdDSA', 'RS256'] as const;

async function authentication(app: FastifyInstance, options: AuthenticationOptions) {
  const store = new PublicKeyStore(options.keys);
  await app.register(fastifyJwt, {
    secret: async (_request: FastifyRequest, token: TokenOrHeader) => {
      const header = 'header' in token ? token.header : token;
      const key = await store.get(header.kid);
      if (!key) throw unauthenticated('Access token signed by an unknown key');
      return key;
    },
    decode: { complete: true },
    // iss, aud and exp are required, not merely checked when present: a token without an
    // expiry or an audience would be good forever, anywhere.
    verify: {
      algorithms: [...algorithms],
      allowedIss: options.issuer,
      allowedAud: options.audience,
      requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
    },
  });
  // A token seen before skips the decode, the signature check and the claims' schema.
  const verified = new VerifiedTokens();

  const prefixes = [options.protectedPrefix ?? '/api'].flat();
  const publicPaths = new Set(options.publicPaths);
  const isProtected = (url: string) => {
    if (!prefixes.some((prefix) => url.startsWith(prefix))) return false;
    if (publicPaths.size === 0) return true;
    const query = url.indexOf('?');
    return !publicPaths.has(query < 0 ? url : url.slice(0, query));
  };
  app.decorateRequest('principal', undefined);
  /** Lets the request in as the token's principal, unless the token was revoked since. */
  const admit = (request: FastifyRequest, known: VerifiedToken): Error | undefined => {
    if (options.revocations?.isRevoked(known.principal.userId, known.issuedAt)) {
      return unauthenticated('Access token was revoked (logout or account change)', 'TOKEN_REVOKED');
    }
    request.principal = known.principal;
    return undefined;
  };
  // The callback form, so a token seen before is admitted without a promise or a microtask.
  app.addHook('onRequest', (request, _reply, done) => {
    // CORS preflights carry no credentials by design.
    if (request.method === 'OPTIONS' || !isProtected(request.url)) return done();
    const authorization = request.headers.authorization;
    if (!authorization?.startsWith('Bearer ')) return done(unauthenticated());
    const token = authorization.slice('Bearer '.length);
    const known = verified.get(token);
    if (known !== undefined) return done(admit(request, known));
    verify(request).then((checked) => {
      verified.set(token, checked);
      done(admit(request, checked));
    }, done);
  });
}

/** The signature, the registered claims and our claims' schema: what a token is checked for once. */
async function verify(request: FastifyRequest): Promise<VerifiedToken> {
  let payload: unknown;
  try {
    payload = await request.jwtVerify();
  } catch (error) {
    if (isAppError(error) && error.kind !== 'UNAUTHENTICATED') throw error;
    throw unauthenticated(tokenProblem(error));
  }
  const claims = AccessTokenClaims.safeParse(payload);
  if (!claims.success) throw unauthenticated('Access token lacks valid sub, role, iat or exp claims');
  const { sub, role, email, email_verified: emailVerified = false, doctorId, iat, exp } = claims.data;
  // Shared by every request that carries this token: frozen so no handler can change it for the others.
  const principal: Principal = Object.freeze({ userId: sub, role, email, emailVerified, doctorId });
  return { principal, issuedAt: iat, expiresAt: exp };
}

function tokenProblem(error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  if (code.includes('EXPIRED')) return 'Access token expired';
  if (isAppError(error)) return error.message;
  return 'Invalid access token';
}

export const authenticationPlugin = fp(authentication, { name: 'pms-authentication' });

/** The verified caller; call only from routes under the protected prefix. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated();
  return request.principal;
}

/** The verified caller and the request id, as domain functions take them; routes under the protected prefix only. */
export const actorOf = (request: FastifyRequest): Actor => ({ principal: principalOf(request), requestId: String(request.id) });
