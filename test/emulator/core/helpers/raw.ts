import { request } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256, sha256Hex } from '../../../../src/emulator/core/sha256.js';

/** A raw HTTP answer. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends a raw request; `headers` may hold arrays to repeat a header. */
export function send(
  url: string,
  opts: {
    method?: string;
    path?: string;
    headers?: Record<string, string | string[]>;
    body?: string | Buffer;
  },
): Promise<RawAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/',
        headers: opts.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Signs a request the way the SDK does and returns its headers (the body hash may be overridden). */
export async function signHeaders(opts: {
  url: string;
  service: string;
  region?: string;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** `null` sends no x-amz-content-sha256 header at all. */
  contentSha256?: string | null;
  signingDate?: Date;
}): Promise<Record<string, string>> {
  const u = new URL(opts.url);
  const body = opts.body ?? '';
  const req = new HttpRequest({
    method: opts.method ?? 'POST',
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path: opts.path ?? '/',
    query: opts.query ?? {},
    headers: {
      host: u.host,
      ...(opts.contentSha256 === null
        ? {}
        : { 'x-amz-content-sha256': opts.contentSha256 ?? sha256Hex(body) }),
      ...opts.headers,
    },
    body,
  });
  const signer = new SignatureV4({
    credentials: opts.credentials,
    region: opts.region ?? 'us-east-1',
    service: opts.service,
    sha256: NodeSha256,
    uriEscapePath: opts.service !== 's3',
    applyChecksum: opts.contentSha256 !== null,
  });
  const signed = await signer.sign(req, opts.signingDate ? { signingDate: opts.signingDate } : {});
  return signed.headers as Record<string, string>;
}
