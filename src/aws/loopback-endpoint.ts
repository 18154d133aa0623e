/**
 * S3 Control on a local endpoint (the tip-sdk emulator, LocalStack…). Its endpoint rules put the account id
 * in front of the host, even for a custom endpoint: `http://127.0.0.1:4566` becomes
 * `http://123456789012.127.0.0.1:4566`, an invalid URL, and `http://localhost:4566` becomes
 * `123456789012.localhost`, which most resolvers do not know. So when the endpoint an S3 Control client
 * would use is on loopback and no request handler is configured, tip-sdk gives its S3 Control clients the
 * endpoint on `localhost` and a request handler whose agent resolves every host to that loopback address.
 *
 * The endpoint is the client setting `endpoint`, else `AWS_ENDPOINT_URL_S3_CONTROL`, else
 * `AWS_ENDPOINT_URL` — as the SDK reads them (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true).
 *
 * @module
 */
import type { LookupAddress } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import type { AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** The settings to add to an S3 Control client's configuration. */
export interface LoopbackSettings {
  /** The same endpoint with `localhost` as its host. */
  readonly endpoint: string;
  /** A handler whose agents resolve every host to the loopback address of the original endpoint. */
  readonly requestHandler: NodeHttpHandler;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** The loopback address a host name stands for, or `undefined` when it is not on loopback. */
export function loopbackAddress(hostname: string): LoopbackTarget | undefined {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return { address: '127.0.0.1', family: 4 };
  if (/^127(\.\d{1,3}){3}$/.test(host)) return { address: host, family: 4 };
  if (host === '[::1]' || host === '::1') return { address: '::1', family: 6 };
  return undefined;
}

/** A loopback address and its family. */
export interface LoopbackTarget {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * A request handler whose keep-alive agents (http and https) resolve every host name to `target`, so
 * `<account>.localhost` reaches a local endpoint. Destroying it closes its sockets.
 *
 * @param target - Default `127.0.0.1`.
 */
export function createLoopbackRequestHandler(
  target: LoopbackTarget = { address: '127.0.0.1', family: 4 },
): NodeHttpHandler {
  const lookup = (_host: string, options: unknown, callback?: LookupCallback): void => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    if (all) cb(null, [target]);
    else cb(null, target.address, target.family);
  };
  const agentOptions = { keepAlive: true, lookup } as AgentOptions;
  return new NodeHttpHandler({
    httpAgent: new HttpAgent(agentOptions),
    httpsAgent: new HttpsAgent(agentOptions),
  });
}

/** The endpoint URL an S3 Control client built from `config` would use, as a string, if any. */
function configuredEndpoint(
  config: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const endpoint = config.endpoint;
  if (typeof endpoint === 'string') return endpoint;
  if (endpoint instanceof URL) return endpoint.href;
  // Another form (an EndpointV2 object or a provider): left to the SDK.
  if (endpoint !== undefined) return undefined;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3_CONTROL || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * The endpoint and request handler an S3 Control client needs to reach a loopback endpoint, or
 * `undefined` when the endpoint is not on loopback or the configuration already has a request handler
 * (which then must resolve `<account>.localhost` itself). The handler is new: destroy it with the client.
 *
 * @param config - The client settings tip-sdk passes to the S3 Control client.
 * @param env - The environment. Default `process.env`.
 */
export function s3ControlLoopbackSettings(
  config: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LoopbackSettings | undefined {
  if (config.requestHandler !== undefined) return undefined;
  const endpoint = configuredEndpoint(config, env);
  if (endpoint === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  const target = loopbackAddress(url.hostname);
  if (target === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  url.hostname = 'localhost';
  return { endpoint: url.href.replace(/\/$/, ''), requestHandler: createLoopbackRequestHandler(target) };
}
