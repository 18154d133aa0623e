/**
 * Integrity checks of uploaded bodies: `Content-MD5` and the flexible checksums the AWS SDK sends
 * (`x-amz-checksum-crc32`, `-crc32c`, `-sha1`, `-sha256`; as headers or aws-chunked trailers). A
 * mismatch is S3's `BadDigest`. `crc64nvme` is accepted without verification (stored and echoed).
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { AwsServiceError } from '../core/types.js';

let crc32cTable: Uint32Array | undefined;

/** CRC-32C (Castagnoli), as S3 computes it. */
export function crc32c(data: Uint8Array): number {
  if (!crc32cTable) {
    crc32cTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crc32cTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = (crc32cTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function uint32Base64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
}

const ALGORITHMS: Readonly<Record<string, ((data: Buffer) => string) | null>> = {
  crc32: (data) => uint32Base64(crc32(data)),
  crc32c: (data) => uint32Base64(crc32c(data)),
  sha1: (data) => createHash('sha1').update(data).digest('base64'),
  sha256: (data) => createHash('sha256').update(data).digest('base64'),
  crc64nvme: null,
};

/**
 * Verifies `Content-MD5` and every `x-amz-checksum-<algorithm>` in `fields` (headers and trailers,
 * lower-case names) against `body`. Returns the verified checksum fields, to be echoed in the reply.
 */
export function verifyChecksums(
  body: Buffer,
  fields: Readonly<Record<string, string>>,
): Record<string, string> {
  const md5 = fields['content-md5'];
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5) {
    throw new AwsServiceError(
      'BadDigest',
      'The Content-MD5 you specified did not match what we received.',
      400,
    );
  }
  const echoed: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (!name.startsWith('x-amz-checksum-') || name === 'x-amz-checksum-algorithm') continue;
    if (name === 'x-amz-checksum-type' || name === 'x-amz-checksum-mode') continue;
    const algorithm = name.slice('x-amz-checksum-'.length);
    if (!Object.hasOwn(ALGORITHMS, algorithm)) {
      throw new AwsServiceError('InvalidRequest', `Unsupported checksum header ${name}.`, 400);
    }
    const compute = ALGORITHMS[algorithm];
    if (compute && compute(body) !== value) {
      throw new AwsServiceError(
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
        400,
      );
    }
    echoed[name] = value;
  }
  return echoed;
}
