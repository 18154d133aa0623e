/**
 * The command line both example services share: without flags, serve with settings from `TIP_*` env on
 * `PORT` (default 3000); with `--self-test`, start the emulator in process, run the checks against the
 * service and exit 0 (all passed) or 1.
 */
import { type ServiceSettings, emulatorSettings, settingsFromEnv } from './config.js';
import { selfTest } from './self-test.js';

/** What an example's `startService` returns. */
export interface StartedService {
  /** The service's base URL. */
  readonly url: string;
  /** Stops the service. */
  close(): Promise<void>;
}

async function main(
  name: string,
  start: (settings: ServiceSettings, port: number) => Promise<StartedService>,
): Promise<number> {
  if (!process.argv.includes('--self-test')) {
    const service = await start(settingsFromEnv(), Number(process.env.PORT ?? 3000));
    console.log(`listening on ${service.url}`);
    return new Promise<number>(() => undefined);
  }
  const { emu, settings } = await emulatorSettings();
  const service = await start(settings, 0);
  try {
    return await selfTest(service.url, emu, name);
  } finally {
    await service.close();
    await emu.stop();
  }
}

/** Runs the example named `name` (printed by the self-test) and exits with its code. */
export function runExample(
  name: string,
  start: (settings: ServiceSettings, port: number) => Promise<StartedService>,
): void {
  main(name, start).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
