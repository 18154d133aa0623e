import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceModule } from '../../../src/emulator/core/types.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { SERVICE_KEY, baseConfig } from './helpers/config.js';
import { type RawAnswer, send, signHeaders } from './helpers/raw.js';

let emu: RunningEmulator;

/** A restXml test module that echoes its parsed XML input. */
const echoXml: ServiceModule = {
  service: 's3-control',
  protocol: 'restXml',
  resolveOperation: (raw) =>
    raw.method === 'PUT' && raw.path.startsWith('/v20180820/echo') ? 'PutEcho' : undefined,
  handlers: { PutEcho: (ctx) => ({ Seen: JSON.stringify(ctx.input) }) },
};

beforeAll(async () => {
  emu = await startEmulator(baseConfig({ maxBodyBytes: 64 * 1024 }), {
    quiet: true,
    services: { 'redshift-data': false, 's3-control': () => echoXml },
  });
});
afterAll(async () => {
  await emu.stop();
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON11 = (target: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target });

async function signed(
  service: string,
  body: string,
  headers: Record<string, string>,
  extra: { method?: string; path?: string; query?: Record<string, string>; host?: string } = {},
): Promise<RawAnswer> {
  const url = extra.host ? `http://${extra.host}:${emu.port}` : emu.url;
  const h = await signHeaders({
    url,
    service,
    body,
    headers,
    credentials: SERVICE_KEY,
    ...(extra.method ? { method: extra.method } : {}),
    ...(extra.path ? { path: extra.path } : {}),
    ...(extra.query ? { query: extra.query } : {}),
  });
  const search = extra.query ? `?${new URLSearchParams(extra.query).toString()}` : '';
  return send(emu.url, {
    method: extra.method ?? 'POST',
    path: (extra.path ?? '/') + search,
    headers: h,
    body,
  });
}

/** The error code of an answer, from its header or body. */
function codeOf(res: RawAnswer): string | undefined {
  const header = res.headers['x-amzn-errortype'];
  if (typeof header === 'string') return header;
  return /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1];
}

type Case = [label: string, run: () => Promise<RawAnswer>, code: string, status: number];

const cases: Case[] = [
  [
    'malformed JSON (awsJson)',
    () =>
      signed(
        'redshift-serverless',
        '{"workgroupNames": [',
        JSON11('RedshiftServerless.GetIdentityCenterAuthToken'),
      ),
    'SerializationException',
    400,
  ],
  [
    'JSON array body (awsJson)',
    () => signed('redshift-serverless', '[1,2]', JSON11('RedshiftServerless.GetIdentityCenterAuthToken')),
    'SerializationException',
    400,
  ],
  [
    'malformed JSON (restJson sso-oidc)',
    () =>
      signed(
        'sso-oauth',
        '{nope',
        { 'content-type': 'application/json' },
        { path: '/token', query: { aws_iam: 't' } },
      ),
    'InvalidRequestException',
    400,
  ],
  [
    'bad percent-encoding in a form',
    () => signed('sts', 'Action=GetCallerIdentity&Version=2011-06-15&X=%ZZ', FORM),
    'MalformedInput',
    400,
  ],
  [
    'repeated form parameter',
    () => signed('sts', 'Action=GetCallerIdentity&Action=AssumeRole&Version=2011-06-15', FORM),
    'MalformedInput',
    400,
  ],
  [
    'prototype key in a form',
    () => signed('sts', 'Action=GetCallerIdentity&Version=2011-06-15&__proto__.x=1', FORM),
    'MalformedInput',
    400,
  ],
  [
    'list index out of range in a form',
    () => signed('sts', 'Action=GetCallerIdentity&Version=2011-06-15&Tags.member.99999.Key=a', FORM),
    'MalformedInput',
    400,
  ],
  [
    'malformed XML',
    () =>
      signed(
        's3',
        '<a><b></a>',
        { 'content-type': 'application/xml' },
        { method: 'PUT', path: '/v20180820/echo', host: `${'1'.repeat(12)}.localhost` },
      ),
    'MalformedXML',
    400,
  ],
  [
    'XML with a DOCTYPE',
    () =>
      signed(
        's3',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><a>&e;</a>',
        { 'content-type': 'application/xml' },
        { method: 'PUT', path: '/v20180820/echo', host: `${'1'.repeat(12)}.localhost` },
      ),
    'MalformedXML',
    400,
  ],
  [
    'unknown awsQuery action',
    () => signed('sts', 'Action=DeleteEverything&Version=2011-06-15', FORM),
    'InvalidAction',
    400,
  ],
  [
    'prototype member as awsQuery action',
    () => signed('sts', 'Action=constructor&Version=2011-06-15', FORM),
    'InvalidAction',
    400,
  ],
  [
    'prototype member as awsJson target',
    () => signed('redshift-serverless', '{}', JSON11('RedshiftServerless.toString')),
    'UnknownOperationException',
    400,
  ],
  [
    'unknown awsJson target',
    () => signed('redshift-serverless', '{}', JSON11('RedshiftServerless.DeleteEverything')),
    'UnknownOperationException',
    400,
  ],
  [
    'awsJson target of another service: the target names the service, the scope must match it',
    () => signed('redshift-serverless', '{}', JSON11('AmazonAthena.StartQueryExecution')),
    'InvalidSignatureException',
    400,
  ],
  [
    'unknown S3 operation',
    () => signed('s3', '', {}, { method: 'DELETE', path: '/lake' }),
    'NotImplemented',
    501,
  ],
  [
    'unknown service',
    () =>
      signed('dynamodb', '{}', {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      }),
    'UnknownServiceException',
    400,
  ],
  [
    'missing auth (sts)',
    () => send(emu.url, { headers: FORM, body: 'Action=GetCallerIdentity&Version=2011-06-15' }),
    'MissingAuthenticationToken',
    403,
  ],
  [
    'missing auth (awsJson)',
    () => send(emu.url, { headers: JSON11('RedshiftServerless.GetIdentityCenterAuthToken'), body: '{}' }),
    'MissingAuthenticationTokenException',
    403,
  ],
  [
    'missing auth (s3)',
    () => send(emu.url, { method: 'GET', path: '/lake?list-type=2' }),
    'AccessDenied',
    403,
  ],
  [
    'garbage Authorization',
    () =>
      send(emu.url, {
        headers: { ...FORM, authorization: 'Bearer abc.def' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    'IncompleteSignature',
    400,
  ],
  [
    'truncated Authorization',
    () =>
      send(emu.url, {
        headers: {
          ...FORM,
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIASERVICE000000001/20240101/us-east-1/sts/aws4_request',
        },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    'IncompleteSignature',
    400,
  ],
  [
    'oversized Authorization',
    () =>
      send(emu.url, {
        headers: {
          ...FORM,
          authorization: `AWS4-HMAC-SHA256 Credential=${'A'.repeat(5000)}/20240101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
        },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      }),
    'IncompleteSignature',
    400,
  ],
];

describe('hostile requests get the right AWS error', () => {
  it.each(cases)('%s', async (_label, run, code, status) => {
    const res = await run();
    expect(codeOf(res)).toBe(code);
    expect(res.status).toBe(status);
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses duplicated security headers', async () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const h = await signHeaders({
      url: emu.url,
      service: 'sts',
      body,
      headers: FORM,
      credentials: SERVICE_KEY,
    });
    const res = await send(emu.url, {
      headers: { ...h, 'x-amz-date': [h['x-amz-date']!, '20200101T000000Z'] },
      body,
    });
    expect(codeOf(res)).toBe('IncompleteSignature');
    const target = await signed(
      'redshift-serverless',
      '{}',
      JSON11('RedshiftServerless.GetIdentityCenterAuthToken'),
    );
    expect(codeOf(target)).toBe('AccessDeniedException');
  });

  it('refuses a credential scope for another region', async () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const h = await signHeaders({
      url: emu.url,
      service: 'sts',
      region: 'eu-west-1',
      body,
      headers: FORM,
      credentials: SERVICE_KEY,
    });
    const res = await send(emu.url, { headers: h, body });
    expect([codeOf(res), res.status]).toEqual(['SignatureDoesNotMatch', 403]);
    expect(res.body).toContain('eu-west-1');
  });

  it('answers 413 for an oversized body and closes the connection', async () => {
    const big = `Action=GetCallerIdentity&Version=2011-06-15&Pad=${'x'.repeat(70 * 1024)}`;
    const res = await send(emu.url, { headers: FORM, body: big });
    expect(res.status).toBe(413);
    expect(codeOf(res)).toBe('RequestEntityTooLarge');
    expect(res.headers.connection).toBe('close');
  });

  it('reads well-formed XML into the handler input', async () => {
    const res = await signed(
      's3',
      '<Echo><Item>a</Item><Item>b &amp; c</Item><![CDATA[<x>]]></Echo>',
      { 'content-type': 'application/xml' },
      {
        method: 'PUT',
        path: '/v20180820/echo',
        host: `${'1'.repeat(12)}.localhost`,
      },
    );
    expect(res.status).toBe(200);
    const seen = /<Seen>([^<]*)<\/Seen>/
      .exec(res.body)?.[1]
      ?.replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
    expect(JSON.parse(seen!)).toEqual({ Echo: { Item: ['a', 'b & c'] } });
  });

  it('answers every arbitrary request with an AWS error and a request id', async () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~=:;/ ,-]{0,80}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH'),
        fc.stringMatching(/^\/[A-Za-z0-9%/?=&._~-]{0,60}$/),
        fc.dictionary(
          fc.constantFrom(
            'authorization',
            'x-amz-target',
            'content-type',
            'x-amz-date',
            'x-amz-content-sha256',
            'x-amz-security-token',
            'content-encoding',
            'host',
          ),
          token,
        ),
        fc.oneof(fc.string({ maxLength: 300 }), fc.constant('Action=GetCallerIdentity&Version=2011-06-15')),
        async (method, path, headers, body) => {
          const res = await send(emu.url, {
            method,
            path,
            headers,
            body: method === 'GET' || method === 'HEAD' ? undefined : body,
          });
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(600);
          expect(res.status).not.toBe(500);
          expect(res.headers['x-amzn-requestid']).toBeTruthy();
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each([
    ['an invalid request line', 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['oversized headers', `GET / HTTP/1.1\r\nHost: x\r\nx-pad: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ])('answers %s below HTTP with a request id', async (_label, raw, status) => {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(emu.port, '127.0.0.1', () => socket.end(raw));
      let out = '';
      socket.on('data', (c: Buffer) => {
        out += c.toString();
      });
      socket.on('close', () => resolve(out));
      socket.on('error', reject);
    });
    expect(text.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(text).toMatch(/x-amzn-requestid: [0-9a-f-]{36}/);
  });

  it('answers a HEAD request refused below HTTP without a body, so a client reads no stray bytes', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(emu.port, '127.0.0.1', () =>
        socket.end('HEAD / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n'),
      );
      let out = '';
      socket.on('data', (c: Buffer) => {
        out += c.toString();
      });
      socket.on('close', () => resolve(out));
      socket.on('error', reject);
    });
    expect(text.startsWith('HTTP/1.1 400 ')).toBe(true);
    expect(text).toMatch(/x-amzn-requestid: [0-9a-f-]{36}/);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  it('still serves GetCallerIdentity afterwards', async () => {
    const out = await new STSClient(emu.clientConfig()).send(new GetCallerIdentityCommand({}));
    expect(out.Arn).toContain(':user/service');
    expect(emu.counters.get('sts:GetCallerIdentity')).toBeGreaterThan(0);
  });
});
