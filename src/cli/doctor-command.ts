/**
 * `tip-sdk doctor [--profile P] [--json]`: checks the profile's setup against AWS (or the emulator), one
 * line per check with the fix. Exits 0 when every check passes, 1 otherwise.
 */
import { formatDoctor, runDoctor } from '../connector/doctor.js';
import { openConnector } from './connector-io.js';
import type { CommandIo } from './emulator-command.js';
import { EXIT, parseFlags, profileFlagsHelp, profileOptions, reportError } from './profile-flags.js';

/** The usage text. */
export const DOCTOR_USAGE = `Usage: tip-sdk doctor [--profile NAME] [--mapped-claim C] [--json] [settings…]

Checks a profile's setup, each check ✓ or ✗ with the fix in one line: the IdP's discovery and JWKS, the
cached sign-in, CreateTokenWithIAM and AssumeRole with the identity context, the token's iss/aud and mapped
claim, the caller identity, and the Redshift workgroup or cluster when the profile names one. Renews
silently; never opens a browser; prints no secret.

  --mapped-claim C               the claim the trusted token issuer maps (default email)
  --json                         print the checks as JSON
${profileFlagsHelp()}

Exit codes: 0 every check passed; 1 a check failed; 2 bad arguments or profile.
`;

/** Runs the command; resolves with the exit code. */
export async function runDoctorCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseFlags(
    'doctor',
    argv,
    profileOptions({ json: { type: 'boolean' }, 'mapped-claim': { type: 'string' } }),
    DOCTOR_USAGE,
    io,
  );
  if (parsed === undefined) return EXIT.usage;
  const { values } = parsed;
  if (values.help) {
    io.stdout(DOCTOR_USAGE);
    return EXIT.ok;
  }
  try {
    const connector = await openConnector(values, io, { noBrowser: true });
    const checks = await runDoctor(connector, {
      ...(values['mapped-claim'] === undefined ? {} : { mappedClaim: values['mapped-claim'] as string }),
    });
    io.stdout(values.json ? `${JSON.stringify(checks, null, 2)}\n` : formatDoctor(checks));
    return checks.every((c) => c.outcome !== 'fail') ? EXIT.ok : EXIT.failed;
  } catch (error) {
    return reportError('doctor', error, io);
  }
}
