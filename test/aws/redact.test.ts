import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RedactedAwsError, redactAwsError, redactAwsMessage } from '../../src/aws/redact.js';

const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.eyJzdWIiOiJhbGljZSIsImp0aSI6IjEyMyJ9.c2lnbmF0dXJlLXNlY3JldA';
const CONTEXT = 'AQoJb3JpZ2luX2lkENb//////////wEaCXVzLWVhc3QtMSJGMEQCIH+context+assertion+value==';
const REFRESH = 'aorAAAAAGZmb29iYXJyZWZyZXNodG9rZW5zZWNyZXQxMjM0NTY3ODkw';
const SESSION_TOKEN = `IQoJb3JpZ2luX2VjEMv${'A'.repeat(200)}//wEaCXVzLWVhc3QtMQ==`;
const ROLE_ARN = 'arn:aws:iam::123456789012:role/analytics-identity-bearer-with-a-long-name';
const SESSION_ARN = `arn:aws:sts::123456789012:assumed-role/analytics-identity-bearer/tip-${'9'.repeat(10)}-a1b2c3d4-5678-90ab-cdef-1234567890ab`;
const APP_ARN = 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd';
const TABLE = 'analytics_warehouse.customer_orders_by_region_2024_archive';

/** [message, secrets the call knew, what must disappear, what must stay]. */
const TABLE_CASES: [string, string, string[], string[], string[]][] = [
  [
    'a JWT echoed in prose',
    `Assertion ${JWT} failed`,
    [],
    [JWT, JWT.split('.')[0]!, JWT.split('.')[1]!],
    ['Assertion', 'failed'],
  ],
  ['a JWT header alone', `header ${JWT.split('.')[0]} unknown`, [], [JWT.split('.')[0]!], ['unknown']],
  [
    'an STS validation error quoting the context assertion',
    `1 validation error detected: Value '${CONTEXT}' at 'providedContexts.1.member.contextAssertion' failed to satisfy constraint`,
    [],
    [CONTEXT, CONTEXT.slice(0, 20)],
    ["at 'providedContexts.1.member.contextAssertion'", 'failed to satisfy constraint'],
  ],
  [
    'a validation error on a name keeps the name',
    `1 validation error detected: Value 'my-session-name-that-is-long' at 'roleSessionName' failed`,
    [],
    [],
    ["Value 'my-session-name-that-is-long' at 'roleSessionName'"],
  ],
  [
    'a known refresh token, whole and cut',
    `refresh token ${REFRESH} expired; was ${REFRESH.slice(0, 20)}…`,
    [REFRESH],
    [REFRESH, REFRESH.slice(0, 20)],
    ['expired'],
  ],
  [
    'a known identity context in free text',
    `could not read ${CONTEXT.slice(8, 70)}`,
    [CONTEXT],
    [CONTEXT.slice(8, 70)],
    ['could not read'],
  ],
  [
    'secret-named fields in JSON and key=value form',
    `{"subjectToken":"opaque-subject-value","clientSecret":"s3cr3t-value"} x-amz-security-token=opaquevalue123 password: hunter2hunter2`,
    [],
    ['opaque-subject-value', 's3cr3t-value', 'opaquevalue123', 'hunter2hunter2'],
    ['"subjectToken"', 'x-amz-security-token'],
  ],
  [
    'AWS keys and a session token',
    `Credential=ASIAEXAMPLE123456789/20260101/us-east-1/sts/aws4_request token ${SESSION_TOKEN} key AKIAIOSFODNN7EXAMPLE`,
    [],
    ['ASIAEXAMPLE123456789', SESSION_TOKEN.slice(0, 30), 'AKIAIOSFODNN7EXAMPLE'],
    [],
  ],
  [
    'an access denial keeps its ARNs',
    `User: ${SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
    [],
    [],
    [SESSION_ARN, ROLE_ARN, 'sts:AssumeRole'],
  ],
  [
    'an application ARN and a long table name survive',
    `Application ${APP_ARN} cannot read table ${TABLE} for AWSIDC:jane.doe.with.a.long.name@example.com`,
    [JWT],
    [],
    [APP_ARN, TABLE, 'AWSIDC:jane.doe.with.a.long.name@example.com'],
  ],
  [
    'user names that start like the encoding of `{"` survive; a JOSE header with whitespace does not',
    `AWSIDC:ewwiaaaa@a.com and eyJohn.smith denied; header ${Buffer.from('{\n  "alg": "RS256"}').toString('base64url')}`,
    [],
    [Buffer.from('{\n  "alg": "RS256"}').toString('base64url')],
    ['AWSIDC:ewwiaaaa@a.com', 'eyJohn.smith'],
  ],
];

describe('redactAwsMessage', () => {
  it.each(TABLE_CASES)('%s', (_name, message, secrets, gone, kept) => {
    const out = redactAwsMessage(message, secrets);
    for (const g of gone) expect(out).not.toContain(g);
    for (const k of kept) expect(out).toContain(k);
  });

  const base64url = fc
    .uint8Array({ minLength: 12, maxLength: 200 })
    .map((b) => Buffer.from(b).toString('base64url'));
  const jwt = fc
    .tuple(fc.dictionary(fc.string(), fc.string(), { maxKeys: 4 }), base64url, base64url)
    .map(
      ([claims, p, s]) =>
        `${Buffer.from(JSON.stringify({ alg: 'RS256', ...claims })).toString('base64url')}.${p}.${s}`,
    );
  const word = (chars: string, min: number, max: number) =>
    fc.string({ unit: fc.constantFrom(...chars), minLength: min, maxLength: max });
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  // Opaque tokens as services issue them: printable, no whitespace or quotes.
  const opaque = word(`${lower}ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=_.:|~-`, 16, 120);
  const secret = fc.oneof(jwt, base64url, opaque);
  const account = word('0123456789', 12, 12);
  const roleName = word(`${lower}ABCDEFGHIJ0123456789+=,.@_-`, 1, 64).filter((n) => /^[\w+=,.@-]+$/.test(n));
  const arn = fc.oneof(
    fc.tuple(account, roleName).map(([a, r]) => `arn:aws:iam::${a}:role/${r}`),
    fc.tuple(account, roleName, roleName).map(([a, r, s]) => `arn:aws:sts::${a}:assumed-role/${r}/${s}`),
    fc
      .tuple(account, word('0123456789abcdef', 16, 16))
      .map(([a, i]) => `arn:aws:sso::${a}:application/ssoins-${i}/apl-${i}`),
  );
  const tableName = fc.tuple(word(lower, 1, 1), word(`${lower}0123456789_`, 0, 120)).map(([a, b]) => a + b);
  const userName = fc
    .tuple(word(`${lower}.`, 1, 40), word(lower, 1, 20))
    .map(([u, d]) => `AWSIDC:${u}@${d}.com`);
  const name = fc.oneof(arn, tableName, userName);

  it('property: secrets never survive, whatever surrounds them', () => {
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom('known', 'jwt-only'),
        fc.string({ maxLength: 80 }),
        fc.string({ maxLength: 80 }),
        fc.constantFrom(
          (s: string) => `Value '${s}' at 'contextAssertion' failed`,
          (s: string) => `assertion=${s}`,
          (s: string) => `{"refreshToken":"${s}"}`,
          (s: string) => `token ${s} rejected`,
          (s: string) => s,
        ),
        (value, mode, before, after, frame) => {
          const isJwt = /^eyJ/.test(value);
          const framed = frame(value);
          // Free text without a field name is recognized only when the value is a JWT or a known secret.
          if (mode === 'jwt-only' && !isJwt && !/assertion|Token/.test(framed)) return;
          const out = redactAwsMessage(`${before} ${framed} ${after}`, mode === 'known' ? [value] : []);
          if (value.trim().length >= 6) expect(out).not.toContain(value);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: ARNs, table names and user names survive, beside secrets', () => {
    fc.assert(
      fc.property(name, name, secret, (a, b, s) => {
        const message = `User: ${a} is not authorized on resource ${b} (request carried ${s})`;
        const out = redactAwsMessage(message.slice(0, 300), [s]);
        expect(out).toContain(a.slice(0, 60));
        if (message.indexOf(b) + b.length <= 300) expect(out).toContain(b);
        expect(out).not.toContain(s.length >= 6 ? s : '\u0000');
      }),
      { numRuns: 400 },
    );
  });

  it('caps the result and redacts a secret the cap cuts', () => {
    for (let prose = 270; prose <= 300; prose++) {
      const out = redactAwsMessage(`${'word '.repeat(60).slice(0, prose)}${JWT} failed`);
      expect(out.length).toBeLessThanOrEqual(300);
      expect(out).not.toContain(JWT.slice(0, 8));
    }
    expect(redactAwsMessage(undefined)).toBe('');
    expect(redactAwsMessage({ toString: () => JWT })).toBe('');
  });
});

describe('redactAwsError', () => {
  it('keeps name, fault, metadata and stack frames, and redacts every text member', () => {
    const raw = Object.assign(new Error(`bad assertion ${JWT}`), {
      name: 'InvalidRequestException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'req-1', attempts: 1, secretHeader: CONTEXT },
      $response: { body: CONTEXT },
      error: 'invalid_request',
      error_description: `assertion ${JWT} is malformed`,
      reason: CONTEXT,
      Message: CONTEXT,
    });
    const copy = redactAwsError(raw, [CONTEXT]) as RedactedAwsError;
    expect(copy).toBeInstanceOf(RedactedAwsError);
    expect(copy.name).toBe('InvalidRequestException');
    expect(copy.$fault).toBe('client');
    expect(copy.$metadata).toEqual({ httpStatusCode: 400, requestId: 'req-1', attempts: 1 });
    expect(copy.error).toBe('invalid_request');
    expect(copy.reason).toBe('[redacted]');
    expect(copy.stack).toMatch(/^InvalidRequestException: bad assertion \[redacted\]\n\s+at /);
    const shown = `${inspect(copy, { depth: 10, showHidden: true })} ${JSON.stringify(copy)}`;
    for (const s of [JWT.split('.')[1]!, CONTEXT.slice(0, 20)]) expect(shown).not.toContain(s);
  });

  it('redacts thrown strings and passes other values through', () => {
    expect(redactAwsError(`boom ${JWT}`)).toBe('boom [redacted]');
    expect(redactAwsError(undefined)).toBeUndefined();
    expect(redactAwsError(42)).toBe(42);
    expect((redactAwsError({ name: { evil: true } }) as Error).name).toBe('Error');
  });
});
