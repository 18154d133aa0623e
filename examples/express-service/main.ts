/**
 * The Express example service.
 *
 *   node --import tsx examples/express-service/main.ts               # real AWS, settings from TIP_* env
 *   node --import tsx examples/express-service/main.ts --self-test   # emulator in process, checks, exit 0/1
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createObservability } from '../../src/observability/index.js';
import { createTrustedIdentity } from '../../src/tip.js';
import { createApp } from './app.js';
import { type ServiceSettings, emulatorSettings, settingsFromEnv } from './config.js';
import { selfTest } from './self-test.js';

/** Starts the service; port 0 picks a free one. */
export async function startService(settings: ServiceSettings, port: number) {
  const obs = createObservability();
  const tip = obs.instrument(createTrustedIdentity({ ...settings.tipOptions, events: obs.events }));
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

async function main(): Promise<number> {
  if (!process.argv.includes('--self-test')) {
    const service = await startService(settingsFromEnv(), Number(process.env.PORT ?? 3000));
    console.log(`listening on ${service.url}`);
    return new Promise<number>(() => undefined);
  }
  const { emu, settings } = await emulatorSettings();
  const service = await startService(settings, 0);
  try {
    return await selfTest(service.url, emu, 'express-service');
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
