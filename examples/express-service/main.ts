/**
 * The Express example service.
 *
 *   node --import tsx examples/express-service/main.ts               # real AWS, settings from TIP_* env
 *   node --import tsx examples/express-service/main.ts --self-test   # emulator in process, checks, exit 0/1
 */
import { emulatorSettings, settingsFromEnv } from './config.js';
import { selfTest } from './self-test.js';
import { startService } from './service.js';

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
