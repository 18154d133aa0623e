/**
 * The msw request handlers of `createEmulatorHandlers`, in their own module: it is the only one that
 * imports msw, and is loaded on the first call, so `tip-sdk/testing` loads without msw installed.
 *
 * @module
 */
import { http, type HttpHandler, passthrough } from 'msw';
import type { FetchFront } from '../emulator/core/fetch-front.js';
import { parseAwsHost, pathStylePath } from './aws-hosts.js';

/** Serves one AWS request through the emulator's front, virtual-hosted S3 hosts mapped to path style. */
export function serveAws(front: FetchFront, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const host = parseAwsHost(url.hostname);
  const bucket = host?.service === 's3' ? host.bucket : undefined;
  return bucket === undefined
    ? front(request)
    : front(request, { routePath: pathStylePath(bucket, url.pathname) });
}

/**
 * The handlers: every AWS host to the emulator's front, then the IdP's origin (when there is one) passed
 * through to the real server on loopback.
 */
export function emulatorHttpHandlers(front: FetchFront, idpIssuer: string | undefined): HttpHandler[] {
  const handlers: HttpHandler[] = [
    http.all(
      ({ request }) => parseAwsHost(new URL(request.url).hostname) !== undefined,
      ({ request }) => serveAws(front, request),
    ),
  ];
  if (idpIssuer !== undefined) {
    const origin = new URL(idpIssuer).origin;
    handlers.push(
      http.all(
        ({ request }) => new URL(request.url).origin === origin,
        () => passthrough(),
      ),
    );
  }
  return handlers;
}
