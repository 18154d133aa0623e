/**
 * The Fastify example service.
 *
 *   node --import tsx examples/fastify-service/main.ts               # real AWS, settings from TIP_* env
 *   node --import tsx examples/fastify-service/main.ts --self-test   # emulator in process, checks, exit 0/1
 *
 * Settings and the self-test are the Express example's (same routes, same checks).
 */
import { createObservability } from 'tip-sdk/observability';
import { createTrustedIdentity } from 'tip-sdk';
import type { ServiceSettings } from '../express-service/config.js';
import { runExample } from '../express-service/run.js';
import { createApp } from './app.js';

/** Starts the service; port 0 picks a free one. */
export async function startService(settings: ServiceSettings, port: number) {
  const obs = createObservability();
  const tip = obs.instrument(
    createTrustedIdentity({ ...settings.tipOptions, events: obs.events, serviceEvents: obs.serviceEvents }),
  );
  const app = await createApp(tip, obs, settings);
  const url = await app.listen({ port, host: '127.0.0.1' });
  return { url, tip, obs, close: () => app.close() };
}

runExample('fastify-service', startService);
