/**
 * Which real AWS host names the in-process emulator answers, and how a virtual-hosted S3 request maps to
 * the path-style form the emulator's object service reads. The host is untrusted input: anything not
 * recognised exactly is left to msw (an unhandled request), never guessed.
 */
import type { ClientService } from './client-config.js';

/** AWS services by the host label the SDK's default endpoints use. */
const SERVICE_LABELS: Readonly<Record<string, AwsHostService>> = {
  sts: 'sts',
  oidc: 'sso-oidc',
  athena: 'athena',
  'redshift-data': 'redshift-data',
  redshift: 'redshift',
  'redshift-serverless': 'redshift-serverless',
};

/** A service the emulator answers, named like its SDK client package. */
export type AwsHostService = ClientService;

/** A recognised AWS host. */
export interface AwsHost {
  /** The AWS service the host belongs to. */
  readonly service: AwsHostService;
  /** The region in the host; undefined for global hosts (`sts.amazonaws.com`, `s3.amazonaws.com`). */
  readonly region: string | undefined;
  /** The bucket of a virtual-hosted S3 host (`<bucket>.s3.<region>.amazonaws.com`). */
  readonly bucket?: string;
  /** The account id of an S3 Control host (`<account>.s3-control.<region>.amazonaws.com`). */
  readonly accountId?: string;
}

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}';
const REGIONAL = new RegExp(`^([a-z-]+)\\.(${REGION})\\.amazonaws\\.com$`);
const S3_CONTROL = new RegExp(
  `^(?:(\\d{12})\\.)?s3-control(?:\\.dualstack)?\\.(${REGION})\\.amazonaws\\.com$`,
);
const S3 = new RegExp(
  `^(?:([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\\.)?s3(?:\\.dualstack)?(?:\\.(${REGION}))?\\.amazonaws\\.com$`,
);

/** Bucket names as S3 accepts them for virtual-hosted requests (no IP-like names, no `..`). */
function isBucketName(name: string): boolean {
  return !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name) && !name.startsWith('xn--');
}

/**
 * Recognises a default AWS endpoint host of a service the emulator answers. The host name is matched
 * case-insensitively and without a port; undefined for anything else.
 */
export function parseAwsHost(hostname: string): AwsHost | undefined {
  if (hostname.length > 255) return undefined;
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'sts.amazonaws.com') return { service: 'sts', region: undefined };
  const control = S3_CONTROL.exec(host);
  if (control) {
    return {
      service: 's3-control',
      region: control[2],
      ...(control[1] === undefined ? {} : { accountId: control[1] }),
    };
  }
  const s3 = S3.exec(host);
  if (s3) {
    const bucket = s3[1];
    if (bucket !== undefined && !isBucketName(bucket)) return undefined;
    return { service: 's3', region: s3[2], ...(bucket === undefined ? {} : { bucket }) };
  }
  const regional = REGIONAL.exec(host);
  const label = regional?.[1];
  // Own keys only: `constructor` and the like are not services.
  if (regional === null || label === undefined || !Object.hasOwn(SERVICE_LABELS, label)) return undefined;
  return { service: SERVICE_LABELS[label] as AwsHostService, region: regional[2] };
}

/**
 * The path-style path of a virtual-hosted S3 request: `/<bucket>` + the request path (`/` alone becomes
 * `/<bucket>`). The path stays percent-encoded as sent.
 */
export function pathStylePath(bucket: string, pathname: string): string {
  return pathname === '/' || pathname === '' ? `/${bucket}` : `/${bucket}${pathname}`;
}
