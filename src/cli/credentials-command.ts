/**
 * `tip-sdk credentials [--profile P]`: prints the AWS `credential_process` JSON of the user's
 * identity-enhanced credentials, renewing them silently; never opens a browser.
 */
import { credentialProcessOutput } from '../connector/credential-process.js';
import { openConnector } from './connector-io.js';
import type { CommandIo } from './emulator-command.js';
import {
  EXIT,
  EXIT_CODES_HELP,
  parseFlags,
  profileFlagsHelp,
  profileOptions,
  reportError,
} from './profile-flags.js';

/** The usage text. */
export const CREDENTIALS_USAGE = `Usage: tip-sdk credentials [--profile NAME] [settings…]

Prints the user's identity-enhanced AWS credentials as credential_process JSON (Version 1, AccessKeyId,
SecretAccessKey, SessionToken, Expiration), renewing them silently from the token cache. Never opens a
browser: when a sign-in is needed it says so and exits 3. Use it in ~/.aws/config:

  [profile analyst]
  credential_process = tip-sdk credentials --profile default

${profileFlagsHelp()}

${EXIT_CODES_HELP}
`;

/** Runs the command; resolves with the exit code. */
export async function runCredentialsCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseFlags('credentials', argv, profileOptions(), CREDENTIALS_USAGE, io);
  if (parsed === undefined) return EXIT.usage;
  if (parsed.values.help) {
    io.stdout(CREDENTIALS_USAGE);
    return EXIT.ok;
  }
  try {
    const connector = await openConnector(parsed.values, io, { noBrowser: true });
    const credentials = await connector.credentials({ interactive: false });
    io.stdout(`${JSON.stringify(credentialProcessOutput(credentials), null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    return reportError('credentials', error, io);
  }
}
