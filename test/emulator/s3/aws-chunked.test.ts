import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../src/emulator/core/types.js';
import { decodeAwsChunked, isAwsChunked } from '../../../src/emulator/s3/aws-chunked.js';
import { crc32c, verifyChecksums } from '../../../src/emulator/s3/checksums.js';

function encode(data: Buffer, sizes: number[], trailer = ''): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= data.length) break;
    const chunk = data.subarray(at, at + Math.max(1, size));
    parts.push(
      Buffer.from(`${chunk.length.toString(16)};chunk-signature=abc\r\n`),
      chunk,
      Buffer.from('\r\n'),
    );
    at += chunk.length;
  }
  if (at < data.length) {
    const rest = data.subarray(at);
    parts.push(Buffer.from(`${rest.length.toString(16)}\r\n`), rest, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`0\r\n${trailer}\r\n`));
  return Buffer.concat(parts);
}

describe('aws-chunked decoding', () => {
  it('round-trips any data in any chunking, with trailers', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 64 })),
        (bytes, sizes) => {
          const data = Buffer.from(bytes);
          const decoded = decodeAwsChunked(
            encode(data, sizes, 'x-amz-checksum-crc32:AAAA\r\n'),
            String(data.length),
          );
          expect(decoded.data.equals(data)).toBe(true);
          expect(decoded.trailers).toEqual({ 'x-amz-checksum-crc32': 'AAAA' });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws anything but IncompleteBody on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeAwsChunked(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(AwsServiceError);
          expect((error as AwsServiceError).code).toBe('IncompleteBody');
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['empty', ''],
    ['no CRLF', '5'],
    ['non-hex size', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['size too long', '123456789\r\n'],
    ['short chunk', '10\r\nhello\r\n0\r\n\r\n'],
    ['long chunk', '3\r\nhello\r\n0\r\n\r\n'],
    ['missing final chunk', '5\r\nhello\r\n'],
    ['bad trailer', '5\r\nhello\r\n0\r\nnot-a-trailer\r\n\r\n'],
    ['data after the end', '5\r\nhello\r\n0\r\n\r\nextra'],
    ['negative size', '-5\r\nhello\r\n0\r\n\r\n'],
    ['huge line', `${'0'.repeat(300)}\r\n`],
  ])('rejects %s', (_name, wire) => {
    expect(() => decodeAwsChunked(Buffer.from(wire))).toThrow(
      expect.objectContaining({ code: 'IncompleteBody', status: 400 }),
    );
  });

  it('rejects a decoded length that disagrees', () => {
    expect(() => decodeAwsChunked(Buffer.from('5\r\nhello\r\n0\r\n\r\n'), '4')).toThrow(
      expect.objectContaining({ code: 'IncompleteBody' }),
    );
  });

  it('recognizes aws-chunked requests by either header', () => {
    expect(isAwsChunked({ 'content-encoding': 'gzip, aws-chunked' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' })).toBe(true);
    expect(isAwsChunked({ 'content-encoding': 'gzip', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })).toBe(
      false,
    );
  });
});

describe('checksums', () => {
  it('computes CRC-32C check values', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('verifies crc32c and sha1, accepts crc64nvme unverified, ignores algorithm names', () => {
    const body = Buffer.from('123456789');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(0xe3069283);
    const fields = {
      'x-amz-checksum-crc32c': crc.toString('base64'),
      'x-amz-checksum-sha1': '98O8HYCOBHMq32eZZczDTKeuNEE=',
      'x-amz-checksum-crc64nvme': 'anything',
      'x-amz-checksum-algorithm': 'CRC32C',
    };
    expect(Object.keys(verifyChecksums(body, fields)).sort()).toEqual([
      'x-amz-checksum-crc32c',
      'x-amz-checksum-crc64nvme',
      'x-amz-checksum-sha1',
    ]);
    expect(() => verifyChecksums(body, { 'x-amz-checksum-sha1': 'AAAA' })).toThrow(
      expect.objectContaining({ code: 'BadDigest' }),
    );
  });
});
