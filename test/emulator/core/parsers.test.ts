import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormDecodeError, decodeQueryForm } from '../../../src/emulator/core/form.js';
import { InputError, parseQuery, routeService } from '../../../src/emulator/core/route.js';
import { parseAmzDate, parseAuthorization, scopeService } from '../../../src/emulator/core/sigv4.js';
import { XmlReadError, readXml } from '../../../src/emulator/core/xml-read.js';

describe('awsQuery form decoding', () => {
  it('nests members, lists and maps', () => {
    const body =
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr' +
      '&ProvidedContexts.member.1.ProviderArn=p1&ProvidedContexts.member.1.ContextAssertion=a+b' +
      '&ProvidedContexts.member.2.ProviderArn=p2&Tags.member.2.Key=k2&Tags.member.1.Key=k1&Tags.member.1.Value=' +
      '&ClusterIds.ClusterIdentifier.1=c1&Attrs.entry.1.key=x&Attrs.entry.1.value=y';
    expect(decodeQueryForm(body)).toEqual({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: 'arn:aws:iam::1:role/r',
      ProvidedContexts: [{ ProviderArn: 'p1', ContextAssertion: 'a b' }, { ProviderArn: 'p2' }],
      Tags: [{ Key: 'k1', Value: '' }, { Key: 'k2' }],
      ClusterIds: { ClusterIdentifier: ['c1'] },
      Attrs: { x: 'y' },
    });
    expect(decodeQueryForm('')).toEqual({});
  });

  it.each([
    ['bad percent', 'A=%E0%A4%A'],
    ['repeated name', 'A=1&A=2'],
    ['proto segment', '__proto__.polluted=1'],
    ['constructor segment', 'constructor.prototype.x=1'],
    ['value and members', 'A=1&A.member.1=2'],
    ['members then value', 'A.member.1=2&A=1'],
    ['index zero', 'A.member.0=1'],
    ['huge index', 'A.member.1001=1'],
    ['leading index', '1=x'],
    ['list mixed with members', 'A.member.1=x&A.B=y'],
    ['map entry without key', 'M.entry.1.value=v'],
    ['invalid name', 'A B=1'],
    ['too deep', `${Array.from({ length: 20 }, () => 'a').join('.')}=1`],
  ])('refuses %s', (_label, body) => {
    expect(() => decodeQueryForm(body)).toThrow(FormDecodeError);
  });

  it('never throws anything but FormDecodeError and never pollutes prototypes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (body) => {
        try {
          const out = decodeQueryForm(body);
          expect(typeof out).toBe('object');
        } catch (err) {
          expect(err).toBeInstanceOf(FormDecodeError);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('XML reading', () => {
  it('reads elements, repeats, entities, CDATA and self-closing tags', () => {
    expect(
      readXml(
        '<?xml version="1.0"?>\n<R a="1"><X>1 &lt; 2 &#65;&#x42;</X><X/><Y><![CDATA[<raw>]]></Y><!-- c --></R>',
      ),
    ).toEqual({
      R: { X: ['1 < 2 AB', ''], Y: '<raw>' },
    });
  });

  it.each([
    ['empty', ''],
    ['text only', 'hello'],
    ['unclosed', '<a><b></b>'],
    ['mismatched', '<a></b>'],
    ['two roots', '<a/><b/>'],
    ['doctype', '<!DOCTYPE a><a/>'],
    ['custom entity', '<a>&xxe;</a>'],
    ['code point out of range', '<a>&#9999999;</a>'],
    ['code point zero', '<a>&#x0;</a>'],
    ['processing instruction', '<a><?php x ?></a>'],
    ['bad attribute', '<a b=1></a>'],
    ['text after root', '<a/>x'],
    ['proto element', '<a><__proto__>1</__proto__></a>'],
    ['deep nesting', `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`],
  ])('refuses %s', (_label, text) => {
    expect(() => readXml(text)).toThrow(XmlReadError);
  });

  it('never throws anything but XmlReadError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^[<>/a-c&;#x0-9 "=![\]-]{0,60}$/)),
        (text) => {
          try {
            readXml(text);
          } catch (err) {
            expect(err).toBeInstanceOf(XmlReadError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('Authorization header parsing', () => {
  const good =
    'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE000000000/20240102/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=' +
    'a'.repeat(64);

  it('parses the SDK form', () => {
    expect(parseAuthorization(good)).toEqual({
      accessKeyId: 'AKIAEXAMPLE000000000',
      date: '20240102',
      region: 'us-east-1',
      service: 'sts',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'a'.repeat(64),
    });
    expect(scopeService(good)).toBe('sts');
  });

  it.each([
    ['other algorithm', good.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')],
    ['short signature', good.slice(0, -1)],
    ['upper-case signature', good.replace('a'.repeat(64), 'A'.repeat(64))],
    ['empty signed header', good.replace('host;x-amz-date', 'host;;x-amz-date')],
    ['no terminator', good.replace('aws4_request', 'aws5_request')],
    ['basic auth', 'Basic dXNlcjpwYXNz'],
    ['too long', good + ' '.repeat(5000)],
  ])('refuses %s', (_label, header) => {
    expect(parseAuthorization(header)).toBeUndefined();
  });

  it('parses x-amz-date strictly', () => {
    expect(parseAmzDate('20240102T030405Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parseAmzDate('2024-01-02T03:04:05Z')).toBeUndefined();
    expect(parseAmzDate('20240102T030405')).toBeUndefined();
  });

  it('never throws on arbitrary headers', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (header) => {
        const parsed = parseAuthorization(header);
        if (parsed) expect(parsed.signature).toMatch(/^[0-9a-f]{64}$/);
        scopeService(header);
      }),
      { numRuns: 500 },
    );
  });
});

describe('query strings and routing', () => {
  it('decode query strings with repeats, and refuse bad percent-encoding', () => {
    expect(parseQuery('a=1&b=%2F&a=2&flag')).toEqual({
      record: { a: '2', b: '/', flag: '' },
      multi: { a: ['1', '2'], b: '/', flag: '' },
    });
    expect(() => parseQuery('a=%E0%A4%A')).toThrow(InputError);
  });

  it('never throw anything but InputError, and routing never throws', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.dictionary(
          fc.constantFrom('authorization', 'host', 'x-amz-target', 'content-type'),
          fc.string({ maxLength: 120 }),
        ),
        (search, headers) => {
          let query: Record<string, string> = {};
          try {
            query = parseQuery(search).record;
          } catch (err) {
            expect(err).toBeInstanceOf(InputError);
          }
          const route = routeService(headers, `/${search.slice(0, 20)}`, query);
          expect('service' in route || 'unknown' in route).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ['lake.localhost:4566', { service: 's3', bucket: 'lake' }],
    ['LAKE.S3.US-EAST-1.AMAZONAWS.COM:4566', { service: 's3', bucket: 'lake' }],
    ['lake.s3.amazonaws.com', { service: 's3', bucket: 'lake' }],
    ['s3.us-east-1.amazonaws.com', { service: 's3' }],
    ['123456789012.localhost:4566', { service: 's3-control' }],
    ['sts.us-east-1.amazonaws.com', { service: 'sts' }],
    ['oidc.us-east-1.amazonaws.com', { service: 'sso-oauth' }],
    ['a..b.localhost', { service: 's3' }],
    ['lake.s3.amazonaws.com.evil.example', { service: 's3' }],
    ['localhost:4566', { service: 's3' }],
  ])('routes host %s by name (an unrecognised name falls through to the request shape)', (host, route) => {
    expect(routeService({ host }, '/key')).toEqual(route);
  });

  it('routes by credential scope, splitting S3 Control from S3', () => {
    const auth = (service: string) =>
      `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE000000000/20240102/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=${'a'.repeat(64)}`;
    expect(
      routeService({ authorization: auth('s3'), host: '123456789012.localhost:1' }, '/v20180820/x'),
    ).toEqual({ service: 's3-control' });
    expect(
      routeService({ authorization: auth('s3'), host: 'localhost:1' }, '/v20180820/accessgrantsinstance'),
    ).toEqual({ service: 's3-control' });
    expect(routeService({ authorization: auth('s3'), host: 'localhost:1' }, '/lake/key')).toEqual({
      service: 's3',
    });
    expect(routeService({ authorization: auth('sso-oauth') }, '/token')).toEqual({ service: 'sso-oauth' });
    expect(routeService({ authorization: auth('kms') }, '/')).toEqual({ unknown: 'kms' });
    expect(routeService({ 'x-amz-target': 'AmazonAthena.StartQueryExecution' }, '/')).toEqual({
      service: 'athena',
    });
    expect(routeService({ 'content-type': 'application/x-www-form-urlencoded' }, '/')).toEqual({
      service: 'sts',
    });
  });
});
