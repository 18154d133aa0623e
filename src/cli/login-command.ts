/**
 * `tip-sdk login [--profile P] [--no-browser] [--json]`: browser sign-in, fills the token cache (and, for
 * an `oidc` profile with an application and role, the AWS credentials).
 */
import type { ConnectorStatus } from '../connector/connector-types.js';
import type { BrowserOpener } from '../connector/open-browser.js';
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
export const LOGIN_USAGE = `Usage: tip-sdk login [--profile NAME] [--no-browser] [--json] [settings…]

Signs in with the browser (the external IdP for signIn oidc, IAM Identity Center for signIn idc) on a
loopback redirect, and keeps the tokens, encrypted, in the token cache. Later commands renew silently.

  --no-browser                   print the sign-in URL instead of opening a browser
  --json                         print the sign-in status as JSON on stdout (no secrets)
${profileFlagsHelp()}

${EXIT_CODES_HELP}
`;

function describe(status: ConnectorStatus): string {
  const who = status.user?.subject ?? status.user?.idcUserId ?? 'the user';
  const until =
    status.credentialsExpireAt === undefined
      ? ''
      : `; AWS credentials until ${new Date(status.credentialsExpireAt).toISOString()}`;
  return `Signed in as ${who} (profile "${status.profile}")${until}.\n`;
}

/** Runs the command; resolves with the exit code. `open` replaces the system browser (tests). */
export async function runLoginCommand(
  argv: readonly string[],
  io: CommandIo,
  open?: BrowserOpener,
): Promise<number> {
  const parsed = parseFlags(
    'login',
    argv,
    profileOptions({ 'no-browser': { type: 'boolean' }, json: { type: 'boolean' } }),
    LOGIN_USAGE,
    io,
  );
  if (parsed === undefined) return EXIT.usage;
  const { values } = parsed;
  if (values.help) {
    io.stdout(LOGIN_USAGE);
    return EXIT.ok;
  }
  try {
    const connector = await openConnector(values, io, {
      noBrowser: values['no-browser'] === true,
      ...(open === undefined ? {} : { open }),
    });
    const status = await connector.login();
    if (values.json) io.stdout(`${JSON.stringify(status)}\n`);
    else io.stderr(describe(status));
    return EXIT.ok;
  } catch (error) {
    return reportError('login', error, io);
  }
}
