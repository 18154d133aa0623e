/**
 * The development certificate authority of the emulator's Redshift SQL endpoints: a fresh ECDSA P-256 CA
 * and one server certificate it signs (for `localhost`, `127.0.0.1` and `::1`), made at start with
 * `node:crypto` and a small DER writer — no OpenSSL process, and no X.509 library that would need a
 * global polyfill. Clients trust the CA's PEM (`sslrootcert`, `ssl.ca`, a JDBC `sslrootcert` file) to
 * verify the endpoint; the keys live only in memory and die with the emulator.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

/** A CA and the server certificate it signed, as PEM. */
export interface DevelopmentCertificates {
  /** The CA certificate, PEM: what clients trust. */
  readonly caPem: string;
  /** The server certificate, PEM. */
  readonly certPem: string;
  /** The server's private key, PEM (PKCS #8). Never leaves the emulator process. */
  readonly keyPem: string;
}

// DER: tag, length, content.
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const seq = (...items: Buffer[]) => der(0x30, ...items);
const set = (...items: Buffer[]) => der(0x31, ...items);
const octets = (b: Buffer) => der(0x04, b);
const bool = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));

function integer(bytes: Buffer): Buffer {
  // Positive, minimal: strip leading zeros, then keep the sign bit clear.
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  return der(0x02, (trimmed[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}

/** A BIT STRING of whole bytes with the trailing zero bits declared unused (DER's rule for named bits). */
function namedBits(byte: number): Buffer {
  let unused = 0;
  while (unused < 7 && !(byte & (1 << unused))) unused++;
  return der(0x03, Buffer.from([unused, byte]));
}

function time(date: Date): Buffer {
  // UTCTime until 2049, as RFC 5280 requires.
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
}

function name(commonName: string): Buffer {
  return seq(
    set(seq(oid('2.5.4.10'), utf8('tip-sdk emulator (development only)'))),
    set(seq(oid('2.5.4.3'), utf8(commonName))),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

function certificate(options: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerKeyId: Buffer;
  extensions: Buffer[];
  notBefore: Date;
  notAfter: Date;
}): Buffer {
  const tbs = seq(
    der(0xa0, integer(Buffer.from([2]))),
    integer(randomBytes(16)),
    ECDSA_SHA256,
    name(options.issuer),
    seq(time(options.notBefore), time(options.notAfter)),
    name(options.subject),
    options.publicKey.export({ type: 'spki', format: 'der' }),
    der(
      0xa3,
      seq(
        ...options.extensions,
        extension('2.5.29.14', false, octets(keyId(options.publicKey))),
        extension('2.5.29.35', false, seq(der(0x80, options.issuerKeyId))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, { key: options.signingKey, dsaEncoding: 'der' });
  return seq(tbs, ECDSA_SHA256, der(0x03, Buffer.from([0]), signature));
}

function pem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function subjectAltNames(hosts: readonly string[]): Buffer {
  return seq(
    ...hosts.map((host) => {
      const family = isIP(host);
      if (family === 4) return der(0x87, Buffer.from(host.split('.').map(Number)));
      if (family === 6) return der(0x87, ipv6Bytes(host));
      return der(0x82, Buffer.from(host, 'ascii'));
    }),
  );
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(head);
  const right = address.includes('::') ? groups(tail) : [];
  const all = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => {
    out.writeUInt16BE(Number.parseInt(g, 16) || 0, i * 2);
  });
  return out;
}

/**
 * Makes a development CA and a server certificate for `hosts`, valid from an hour ago for `days` days.
 *
 * @param hosts - DNS names and IP addresses of the server. Default `localhost`, `127.0.0.1`, `::1`.
 * @param days - Validity, days. Default 30.
 */
export function createDevelopmentCertificates(
  hosts: readonly string[] = ['localhost', '127.0.0.1', '::1'],
  days = 30,
): DevelopmentCertificates {
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + days * 86_400_000);
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const server = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caName = 'tip-sdk emulator development CA';
  const caId = keyId(ca.publicKey);
  const caCert = certificate({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    issuerKeyId: caId,
    notBefore,
    notAfter,
    extensions: [
      extension('2.5.29.19', true, seq(bool(true), integer(Buffer.from([0])))),
      // keyCertSign | cRLSign
      extension('2.5.29.15', true, namedBits(0x06)),
    ],
  });
  const serverCert = certificate({
    subject: 'localhost',
    issuer: caName,
    publicKey: server.publicKey,
    signingKey: ca.privateKey,
    issuerKeyId: caId,
    notBefore,
    notAfter,
    extensions: [
      extension('2.5.29.19', true, seq()),
      // digitalSignature
      extension('2.5.29.15', true, namedBits(0x80)),
      extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
      extension('2.5.29.17', false, subjectAltNames(hosts)),
    ],
  });
  return {
    caPem: pem('CERTIFICATE', caCert),
    certPem: pem('CERTIFICATE', serverCert),
    keyPem: server.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
