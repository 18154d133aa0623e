/**
 * `tip-sdk token [--for redshift --workgroup W | --cluster C] [--json]`: a token for a database driver —
 * the IAM Identity Center access token (`token_type=ACCESS_TOKEN`) by default, or with `--for redshift` a
 * Redshift `GetIdentityCenterAuthToken` token (`token_type=SUBJECT_TOKEN`). Renews silently; never opens a
 * browser.
 */
import { openConnector } from './connector-io.js';
import type { CommandIo } from './emulator-command.js';
import {
  EXIT,
  EXIT_CODES_HELP,
  FlagError,
  parseFlags,
  profileFlagsHelp,
  profileOptions,
  reportError,
} from './profile-flags.js';

/** The usage text. */
export const TOKEN_USAGE = `Usage: tip-sdk token [--profile NAME] [--for redshift (--workgroup W | --cluster C)] [--json] [settings…]

Prints a token for a database driver on stdout, renewing it silently from the token cache:
  (default)        the IAM Identity Center access token   (Redshift drivers: token_type=ACCESS_TOKEN)
  --for redshift   a GetIdentityCenterAuthToken token      (Redshift drivers: token_type=SUBJECT_TOKEN),
                   for --workgroup (Serverless) or --cluster (provisioned); needs an oidc profile with
                   applicationArn and accessRoleArn
Never opens a browser: when a sign-in is needed it says so and exits 3.

  --for redshift                 a Redshift driver token
  --json                         print {"token","tokenType","expiration"} instead of the bare token
${profileFlagsHelp()}

${EXIT_CODES_HELP}
`;

/** Runs the command; resolves with the exit code. */
export async function runTokenCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseFlags(
    'token',
    argv,
    profileOptions({ for: { type: 'string' }, json: { type: 'boolean' } }),
    TOKEN_USAGE,
    io,
  );
  if (parsed === undefined) return EXIT.usage;
  const { values } = parsed;
  if (values.help) {
    io.stdout(TOKEN_USAGE);
    return EXIT.ok;
  }
  try {
    if (values.for !== undefined && values.for !== 'redshift') throw new FlagError('--for takes `redshift`');
    const connector = await openConnector(values, io, { noBrowser: true });
    let out: { token: string; tokenType: 'ACCESS_TOKEN' | 'SUBJECT_TOKEN'; expiresAt: number };
    if (values.for === 'redshift') {
      const { workgroupName, clusterIdentifier } = connector.profile;
      if ((workgroupName === undefined) === (clusterIdentifier === undefined)) {
        throw new FlagError('--for redshift needs one of --workgroup or --cluster');
      }
      const token = await connector.redshiftToken(
        workgroupName === undefined ? { clusterIdentifier: clusterIdentifier as string } : { workgroupName },
      );
      out = { token: token.token, tokenType: 'SUBJECT_TOKEN', expiresAt: token.expiresAt };
    } else {
      const token = await connector.idcAccessToken({ interactive: false });
      out = { token: token.token, tokenType: 'ACCESS_TOKEN', expiresAt: token.expiresAt };
    }
    io.stdout(
      values.json
        ? `${JSON.stringify({ token: out.token, tokenType: out.tokenType, expiration: new Date(out.expiresAt).toISOString() })}\n`
        : `${out.token}\n`,
    );
    return EXIT.ok;
  } catch (error) {
    return reportError('token', error, io);
  }
}
