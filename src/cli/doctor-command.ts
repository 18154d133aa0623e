/**
 * `tip-sdk doctor [--profile P] [--admin-profile A] [--json]`: checks the profile's setup against AWS (or
 * the emulator), one line per check with the fix. Exits 0 when no check failed, 1 otherwise.
 */
import { formatDoctor, runDoctor } from '../connector/doctor.js';
import { openConnector } from './connector-io.js';
import type { CommandIo } from './emulator-command.js';
import { EXIT, parseFlags, profileFlagsHelp, profileOptions, reportError } from './profile-flags.js';

/** The usage text. */
export const DOCTOR_USAGE = `Usage: tip-sdk doctor [--profile NAME] [--admin-profile A] [--mapped-claim C] [--json] [settings…]

Checks a profile's setup, each check ✓ or ✗ with the fix in one line: the IdP's discovery and JWKS; as an
administrator, the access role's trust policy, the application's jwt-bearer grant, the trusted token issuer
and the claim it maps, the authorized audiences, the identity store user and the assignment; then as the
user, CreateTokenWithIAM and AssumeRole with the identity context, the caller identity, and the Redshift
workgroup or cluster, Athena workgroup and S3 Access Grants location the profile names. Renews silently;
never opens a browser; prints no secret.

The administrator checks sign with the AWS default credential chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE),
or with --admin-profile; a check those credentials may not make is skipped (–), naming the IAM actions it
needs, not failed.

  --admin-profile A              AWS profile (~/.aws/config) for the administrator checks
  --mapped-claim C               the claim to look for when the trusted token issuer cannot be read (default email)
  --json                         print the checks as JSON: [{ name, outcome, detail, fix? }]
${profileFlagsHelp()}

Exit codes: 0 no check failed (some may be skipped); 1 a check failed; 2 bad arguments or profile.
`;

/** Runs the command; resolves with the exit code. */
export async function runDoctorCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseFlags(
    'doctor',
    argv,
    profileOptions({
      json: { type: 'boolean' },
      'mapped-claim': { type: 'string' },
      'admin-profile': { type: 'string' },
    }),
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
      ...(values['admin-profile'] === undefined
        ? {}
        : { admin: { profile: values['admin-profile'] as string } }),
    });
    io.stdout(values.json ? `${JSON.stringify(checks, null, 2)}\n` : formatDoctor(checks));
    return checks.every((c) => c.outcome !== 'fail') ? EXIT.ok : EXIT.failed;
  } catch (error) {
    return reportError('doctor', error, io);
  }
}
