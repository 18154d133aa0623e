/**
 * Starts the Express example service: observability, the trusted identity and the app, on loopback.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createObservability } from 'tip-sdk/observability';
import { createTrustedIdentity } from 'tip-sdk';
import { createApp } from './app.js';
import type { ServiceSettings } from './config.js';

/** Starts the service on 127.0.0.1; port 0 picks a free one. */
export async function startService(settings: ServiceSettings, port: number) {
  const obs = createObservability();
  const tip = obs.instrument(
    createTrustedIdentity({ ...settings.tipOptions, events: obs.events, serviceEvents: obs.serviceEvents }),
  );
  const server: Server = createApp(tip, obs, settings).listen(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, tip, obs, close };
}
