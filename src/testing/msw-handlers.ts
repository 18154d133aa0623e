/**
 * The msw request handlers of `createEmulatorHandlers`, in their own module: it is the only one that
 * imports msw, and is loaded on the first call, so `tip-sdk/testing` loads without msw installed.
 *
 * @module
 */
import { http, type HttpHandler, passthrough } from 'msw';
import type { FetchFront } from '../emulator/core/fetch-front.js';
import { parseAwsHost } from '../emulator/core/aws-hosts.js';

/**
 * The handlers: every AWS host to the emulator's front, then the IdP's origin (when there is one) passed
 * through to the real server on loopback.
 */
export function emulatorHttpHandlers(front: FetchFront, idpIssuer: string | undefined): HttpHandler[] {
  const handlers: HttpHandler[] = [
    http.all(
      ({ request }) => parseAwsHost(new URL(request.url).hostname) !== undefined,
      ({ request }) => front(request),
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
