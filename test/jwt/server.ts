/**
 * An msw server for the test issuer's discovery and JWKS endpoints. Unhandled requests fail the request;
 * every request URL is logged so tests can prove no request went anywhere else.
 */
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import { ISSUER, JWKS_URI, TOLERANT_ISSUER, publishedJwks } from './kit.js';

export interface IssuerServer {
  readonly server: ReturnType<typeof setupServer>;
  readonly requests: string[];
}

export function discoveryHandlers(jwks: () => unknown = publishedJwks) {
  return [
    http.get(`${ISSUER}/.well-known/openid-configuration`, () =>
      HttpResponse.json({ issuer: ISSUER, jwks_uri: JWKS_URI }),
    ),
    http.get(`${TOLERANT_ISSUER}/.well-known/openid-configuration`, () =>
      HttpResponse.json({ issuer: TOLERANT_ISSUER, jwks_uri: JWKS_URI }),
    ),
    http.get(JWKS_URI, () => HttpResponse.json(jwks() as JsonBodyType)),
  ];
}

export function startIssuerServer(): IssuerServer {
  const server = setupServer(...discoveryHandlers());
  const requests: string[] = [];
  server.events.on('request:start', ({ request }) => {
    requests.push(request.url);
  });
  server.listen({ onUnhandledRequest: 'error' });
  return { server, requests };
}
