/**
 * AWS SDK v3 client configuration for the emulator. S3 and S3 Control need a request handler whose
 * agent resolves every host to 127.0.0.1, because S3 Control always prefixes the account id to the host
 * (`123456789012.localhost`), and path-style addressing for S3 objects.
 */
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { createLoopbackRequestHandler } from '../../aws/loopback-endpoint.js';

/** An AWS service the emulator answers, named like its SDK v3 client package (`@aws-sdk/client-<name>`). */
export type ClientService =
  | 'sts'
  | 'sso-oidc'
  | 'athena'
  | 'redshift-data'
  | 'redshift'
  | 'redshift-serverless'
  | 's3'
  | 's3-control';

/** Options of `clientConfig()`. */
export interface ClientConfigOptions {
  /** Credentials to sign with. Default: the first configured caller's keys. */
  readonly credentials?: {
    /** Access key id. */
    readonly accessKeyId: string;
    /** Secret access key. */
    readonly secretAccessKey: string;
    /** Session token, for session credentials. */
    readonly sessionToken?: string;
    /** Expiry of session credentials. */
    readonly expiration?: Date;
  };
  /** The client's service; `s3` and `s3-control` get the loopback request handler. Default: any other. */
  readonly service?: ClientService;
  /** Attempts per call. Default 1, so injected faults surface instead of being retried. */
  readonly maxAttempts?: number;
}

/** Configuration to spread into an AWS SDK v3 client constructor. */
export interface EmulatorClientConfig {
  /** The emulator region. */
  readonly region: string;
  /** `http://127.0.0.1:PORT`, or `http://localhost:PORT` for S3 and S3 Control. */
  readonly endpoint: string;
  /** Keys to sign with (a fresh object per call). */
  readonly credentials: NonNullable<ClientConfigOptions['credentials']>;
  /** Attempts per call. Default 1. */
  readonly maxAttempts: number;
  /** S3 / S3 Control only. */
  readonly requestHandler?: NodeHttpHandler;
  /** S3 only. */
  readonly forcePathStyle?: boolean;
  /** S3 / S3 Control: checksums only where required, so uploads are plain bodies. */
  readonly requestChecksumCalculation?: 'WHEN_REQUIRED';
  /** S3 / S3 Control: validate response checksums only where required. */
  readonly responseChecksumValidation?: 'WHEN_REQUIRED';
}

/** Creates client configs sharing one loopback request handler; `destroy()` closes its sockets. */
export function createClientConfigFactory() {
  let handler: NodeHttpHandler | undefined;
  const loopbackHandler = () => {
    handler ??= createLoopbackRequestHandler();
    return handler;
  };
  return {
    create(
      opts: ClientConfigOptions & {
        port: number;
        region: string;
        credentials: NonNullable<ClientConfigOptions['credentials']>;
      },
    ): EmulatorClientConfig {
      const base = {
        region: opts.region,
        // A fresh object: the SDK writes `$source` onto the credentials it is given.
        credentials: { ...opts.credentials },
        maxAttempts: opts.maxAttempts ?? 1,
      };
      if (opts.service === 's3' || opts.service === 's3-control') {
        return {
          ...base,
          endpoint: `http://localhost:${opts.port}`,
          requestHandler: loopbackHandler(),
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          ...(opts.service === 's3' ? { forcePathStyle: true } : {}),
        };
      }
      return { ...base, endpoint: `http://127.0.0.1:${opts.port}` };
    },
    destroy() {
      handler?.destroy();
    },
  };
}
