/**
 * A small msw-backed fake of sso-oidc CreateTokenWithIAM and STS AssumeRole(WithWebIdentity), for unit
 * tests: real SDK clients, real HTTP serialization, no network. Tokens of the fake IdP are
 * `fake.<sub>.<jti>` strings (the tests use a stub verifier). Every value it issues names its user, so a
 * test can tell whose credentials it holds.
 */
import { Buffer } from 'node:buffer';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

export const REGION = 'us-east-1';
export const OIDC_URL = `https://oidc.${REGION}.amazonaws.com/token`;
export const STS_URL = `https://sts.${REGION}.amazonaws.com/`;
export const APP_ARN = 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/identity-bearer';
export const APP_ROLE_ARN = 'arn:aws:iam::123456789012:role/application';
export const ISSUER = 'https://idp.example.com';
export const STORE_ID = 'd-1234567890';
export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1111222233334444';
export const SERVICE_CREDENTIALS = {
  accessKeyId: 'AKIASERVICE000000001',
  secretAccessKey: 'service-secret-key-0000000000000000',
};

/** A canned error answer. */
export interface FakeError {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  readonly extra?: Record<string, string>;
}

/** What the next calls of an operation should do instead of succeeding. */
export type Fault =
  | FakeError
  | { readonly body: string; readonly status?: number }
  | { readonly delayMs: number };

export interface FakeAwsOptions {
  /** Epoch ms clock shared with the code under test. */
  now: () => number;
  /** IdC token lifetime, seconds. Default 3600. */
  tokenLifetimeS?: number;
  /** Role credential lifetime cap, seconds. Default: DurationSeconds. */
  roleLifetimeS?: number;
  /** Whether refresh answers carry an identity context. Default true. */
  refreshHasContext?: boolean;
}

export function idcUserIdOf(sub: string): string {
  return `u-${Buffer.from(sub).toString('hex').slice(0, 40)}`;
}

/** A JWT-shaped (unsigned) token for code that decodes tokens; the fake IdC accepts it too. */
export function shapedJwt(sub: string, jti: string, exp = Math.floor(Date.now() / 1000) + 3600): string {
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: 'https://idp.example.com', sub, jti, exp })}.c2ln`;
}

function shapedClaims(token: string): [string, string, string] | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    return typeof payload.sub === 'string' && typeof payload.jti === 'string'
      ? [token, payload.sub, payload.jti]
      : null;
  } catch {
    return null;
  }
}

export function fakeJwt(sub: string, jti: string): string {
  return `fake.${sub}.${jti}`;
}

function b64(json: object): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

export function idToken(claims: Record<string, unknown>): string {
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2ln`;
}

function contextFor(userId: string, n: number): string {
  return `ctx:${userId}:${n}:${'x'.repeat(40)}`;
}

function userOfContext(context: string): string | undefined {
  const m = /^ctx:([^:]+):/.exec(context);
  return m?.[1];
}

function jsonError(e: FakeError): Response {
  return HttpResponse.json(
    {
      error: e.code.replace(/Exception$/, '').toLowerCase(),
      error_description: e.message ?? e.code,
      ...(e.extra ?? {}),
    },
    { status: e.status, headers: { 'x-amzn-errortype': e.code, 'x-amzn-requestid': 'req-oidc-err' } },
  );
}

function xmlError(e: FakeError): Response {
  return new HttpResponse(
    `<ErrorResponse><Error><Type>Sender</Type><Code>${e.code}</Code><Message>${e.message ?? e.code}</Message></Error><RequestId>req-sts-err</RequestId></ErrorResponse>`,
    { status: e.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'req-sts-err' } },
  );
}

export function createFakeAws(options: FakeAwsOptions) {
  const counts = { exchange: 0, jwtBearer: 0, refresh: 0, assumeRole: 0, webIdentity: 0 };
  const usedJti = new Set<string>();
  const refreshTokens = new Map<string, string>();
  const faults = { oidc: [] as Fault[], sts: [] as Fault[] };
  const requests = {
    oidc: [] as Record<string, unknown>[],
    oidcAuth: [] as string[],
    sts: [] as URLSearchParams[],
  };
  let n = 0;
  const lifetime = () => options.tokenLifetimeS ?? 3600;

  function issue(userId: string, withContext: boolean, withIdToken: boolean): Record<string, unknown> {
    n += 1;
    const exp = Math.floor(options.now() / 1000) + lifetime();
    const rt = `rt-${userId}-${n}`;
    refreshTokens.set(rt, userId);
    const context = contextFor(userId, n);
    return {
      accessToken: `at-${userId}-${n}`,
      tokenType: 'Bearer',
      expiresIn: lifetime(),
      refreshToken: rt,
      ...(withIdToken
        ? {
            idToken: idToken({
              sub: userId,
              aud: APP_ARN,
              iss: 'https://identitycenter.amazonaws.com/ssoins-1111222233334444',
              exp,
              ...(withContext ? { 'sts:identity_context': context } : {}),
              'aws:identity_store_id': STORE_ID,
              'aws:instance_arn': INSTANCE_ARN,
            }),
          }
        : {}),
      ...(withContext ? { awsAdditionalDetails: { identityContext: context } } : {}),
    };
  }

  async function fault(list: Fault[]): Promise<Response | undefined> {
    const f = list.shift();
    if (f === undefined) return undefined;
    if ('delayMs' in f) {
      await new Promise((r) => setTimeout(r, f.delayMs));
      return undefined;
    }
    if ('body' in f)
      return new HttpResponse(f.body, {
        status: f.status ?? 200,
        headers: { 'content-type': 'application/json' },
      });
    return undefined;
  }

  const handlers = [
    http.post(OIDC_URL, async ({ request }) => {
      counts.exchange += 1;
      const body = (await request.json()) as Record<string, unknown>;
      requests.oidc.push(body);
      requests.oidcAuth.push(request.headers.get('authorization') ?? '');
      const head = faults.oidc[0];
      if (head !== undefined && 'code' in head) {
        faults.oidc.shift();
        return jsonError(head);
      }
      const custom = await fault(faults.oidc);
      if (custom !== undefined) return custom;
      if (body.grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        counts.jwtBearer += 1;
        const m =
          /^fake\.([^.]+)\.([^.]+)$/.exec(String(body.assertion)) ?? shapedClaims(String(body.assertion));
        if (m === null)
          return jsonError({ status: 400, code: 'InvalidGrantException', message: 'bad assertion' });
        if (usedJti.has(m[2]!))
          return jsonError({ status: 400, code: 'InvalidGrantException', message: 'jti reused' });
        usedJti.add(m[2]!);
        return HttpResponse.json(issue(idcUserIdOf(m[1]!), true, true), {
          headers: { 'x-amzn-requestid': 'req-oidc' },
        });
      }
      if (body.grantType === 'refresh_token') {
        counts.refresh += 1;
        const user = refreshTokens.get(String(body.refreshToken));
        if (user === undefined)
          return jsonError({ status: 400, code: 'ExpiredTokenException', message: 'expired' });
        const withContext = options.refreshHasContext ?? true;
        return HttpResponse.json(issue(user, withContext, withContext));
      }
      return jsonError({ status: 400, code: 'UnsupportedGrantTypeException' });
    }),
    http.post(STS_URL, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      requests.sts.push(form);
      const action = form.get('Action');
      if (action === 'AssumeRole') counts.assumeRole += 1;
      if (action === 'AssumeRoleWithWebIdentity') counts.webIdentity += 1;
      const head = faults.sts[0];
      if (head !== undefined && 'code' in head) {
        faults.sts.shift();
        return xmlError(head);
      }
      const custom = await fault(faults.sts);
      if (custom !== undefined) return custom;
      const session = form.get('RoleSessionName') ?? '';
      let user: string | undefined;
      if (action === 'AssumeRole') {
        if (
          form.get('ProvidedContexts.member.1.ProviderArn') !==
          'arn:aws:iam::aws:contextProvider/IdentityCenter'
        ) {
          return xmlError({ status: 400, code: 'InvalidParameterValue' });
        }
        user = userOfContext(form.get('ProvidedContexts.member.1.ContextAssertion') ?? '');
      } else if (action === 'AssumeRoleWithWebIdentity') {
        const m = /^fake\.([^.]+)\./.exec(form.get('WebIdentityToken') ?? '');
        user = m === null ? undefined : `web-${m[1]}`;
      }
      if (user === undefined)
        return xmlError({ status: 400, code: 'ExpiredTokenException', message: 'bad context' });
      n += 1;
      const duration = Number(form.get('DurationSeconds') ?? 3600);
      const life = Math.min(duration, options.roleLifetimeS ?? duration);
      const expiration = new Date(options.now() + life * 1000).toISOString();
      const keyId = `ASIA${Buffer.from(user).toString('hex').toUpperCase().slice(0, 24).padEnd(16, '0')}`;
      const tag = action === 'AssumeRole' ? 'AssumeRole' : 'AssumeRoleWithWebIdentity';
      return new HttpResponse(
        `<${tag}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${tag}Result><Credentials><AccessKeyId>${keyId}</AccessKeyId><SecretAccessKey>secret-${user}-${n}-0000000000</SecretAccessKey><SessionToken>st|${user}|${n}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/identity-bearer/${session}</Arn><AssumedRoleId>AROA:${session}</AssumedRoleId></AssumedRoleUser></${tag}Result><ResponseMetadata><RequestId>req-sts</RequestId></ResponseMetadata></${tag}Response>`,
        { headers: { 'content-type': 'text/xml' } },
      );
    }),
  ];
  const server = setupServer(...handlers);
  function reset(): void {
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] = 0;
    faults.oidc.length = 0;
    faults.sts.length = 0;
    requests.oidc.length = 0;
    requests.oidcAuth.length = 0;
    requests.sts.length = 0;
  }
  return { server, counts, faults, requests, usedJti, reset };
}

/** The user a session token was issued to, as `st|<user>|<n>`. */
export function userOfSessionToken(token: string | undefined): string | undefined {
  return token?.split('|')[1];
}

export type FakeAws = ReturnType<typeof createFakeAws>;

/** Polls `condition` every 5 ms for up to 3 s. */
export async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 5));
}

/** A controllable clock. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  const clock = () => t;
  clock.advance = (ms: number) => {
    t += ms;
  };
  clock.set = (ms: number) => {
    t = ms;
  };
  return clock;
}

/** A verifier stub for `fake.<sub>.<jti>` tokens (the real verifier has its own suite). */
export function stubVerifier(now: () => number, lifetimeMs = 3_600_000) {
  return {
    async verify(token: string) {
      const m = /^fake\.([^.]+)\.([^.]+)$/.exec(token);
      if (m === null) {
        const { TipError } = await import('../../../src/errors.js');
        throw new TipError('ERR_JWT_INVALID', 'not a fake token');
      }
      return Object.freeze({
        issuer: ISSUER,
        subject: m[1]!,
        audience: ['api'],
        expiresAt: now() + lifetimeMs,
        issuedAt: now(),
        claims: Object.freeze({ iss: ISSUER, sub: m[1]!, jti: m[2]! }),
        header: Object.freeze({ alg: 'RS256' as const }),
      });
    },
  };
}
