/**
 * The Fastify example service.
 *
 *   node --import tsx examples/fastify-service/main.ts               # real AWS, settings from TIP_* env
 *   node --import tsx examples/fastify-service/main.ts --self-test   # emulator in process, checks, exit 0/1
 *
 * Settings and the self-test are the Express example's (same routes, same checks).
 */
import { createObservability } from '../../src/observability/index.js';
import { createTrustedIdentity } from '../../src/tip.js';
import { type ServiceSettings, emulatorSettings, settingsFromEnv } from '../express-service/config.js';
import { selfTest } from '../express-service/self-test.js';
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

async function main(): Promise<number> {
  if (!process.argv.includes('--self-test')) {
    const service = await startService(settingsFromEnv(), Number(process.env.PORT ?? 3000));
    console.log(`listening on ${service.url}`);
    return new Promise<number>(() => undefined);
  }
  const { emu, settings } = await emulatorSettings();
  const service = await startService(settings, 0);
  try {
    return await selfTest(service.url, emu, 'fastify-service');
  } finally {
    await service.close();
    await emu.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
