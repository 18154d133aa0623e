/**
 * `npm run demo`: the whole tip-sdk flow for two users on the embedded IdP and the local emulator.
 * Exit code 0 when every expectation held, 1 otherwise (the last line says why).
 */
import { consoleOutput } from './demo/report.js';
import { runDemo } from './demo/run.js';

// The AWS SDK's notice about its Node support in 2027 is not about the demo (read when a client is
// created, so setting it here is in time); an explicit setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A reader that stops early (`npm run demo | head`) must not turn into a crash; the exit code still tells.
process.stdout.on('error', () => undefined);

runDemo(consoleOutput()).then(
  (result) => process.exit(result.ok ? 0 : 1),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
