/**
 * `tip-sdk emulator --config FILE [--port N] [--no-idp] [--quiet]`: starts the emulator, prints the AWS
 * endpoint, the IdP issuer and a ready-to-paste environment block, and stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { isTipError } from '../errors.js';
import { accessRoleOf } from '../emulator/core/trusted-identity-options.js';
import { type RunningEmulator, startEmulator } from '../emulator/start.js';

/** Where the command writes, and how it learns about signals (injectable for tests). */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Registers `handler` for SIGINT and SIGTERM; returns a function that unregisters it. */
  readonly onSignal: (handler: (signal: string) => void) => () => void;
}

/** The usage text of the command. */
export const EMULATOR_USAGE = `Usage: tip-sdk emulator --config FILE [--port N] [--no-idp] [--quiet]

Starts the local AWS trusted identity propagation emulator (STS, SSO OIDC, Athena, Redshift, S3,
S3 Control) and the embedded OIDC identity provider, for development and tests only.

  --config FILE   emulator configuration (JSON); an example ships with the package as
                  node_modules/tip-sdk/examples/emulator.config.json
  --port N        port of the AWS endpoint (default: the config's port, else any free port)
  --no-idp        do not start the embedded identity provider
  --quiet         do not print the development-keys warning
`;

/** The environment block users paste into a shell to aim AWS SDKs and tip-sdk at the emulator. */
export function envBlock(emu: RunningEmulator): string {
  const app = emu.config.identityCenter.applications[0];
  const accessRole = accessRoleOf(emu.config);
  // The audience a user token must carry for the application's jwt-bearer grant.
  const audience = app?.jwtBearer?.authorizedTokenIssuers[0]?.audiences[0];
  const lines = [
    `export AWS_ENDPOINT_URL=${emu.url}`,
    `export AWS_REGION=${emu.region}`,
    // botocore and the AWS CLI read AWS_DEFAULT_REGION.
    `export AWS_DEFAULT_REGION=${emu.region}`,
    `export AWS_ACCESS_KEY_ID=${emu.credentials.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${emu.credentials.secretAccessKey}`,
    ...(emu.idp ? [`export TIP_IDP_ISSUER=${emu.idp.issuer}`, `export TIP_ISSUER=${emu.idp.issuer}`] : []),
    ...(emu.config.idp ? [`export TIP_AUDIENCE=${emu.config.idp.audience}`] : []),
    ...(app ? [`export TIP_APPLICATION_ARN=${app.arn}`] : []),
    ...(audience ? [`export TIP_AUDIENCE=${audience}`] : []),
    ...(accessRole ? [`export TIP_ACCESS_ROLE_ARN=${accessRole}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the command until a signal arrives. Resolves with the exit code: 0 after a clean stop, 2 for bad
 * arguments or configuration, 1 when the emulator cannot start.
 */
export async function runEmulatorCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  let values: { config?: string; port?: string; 'no-idp'?: boolean; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        'no-idp': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr(`tip-sdk emulator: ${(err as Error).message}\n\n${EMULATOR_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(EMULATOR_USAGE);
    return 0;
  }
  if (!values.config) {
    io.stderr(`tip-sdk emulator: --config FILE is required\n\n${EMULATOR_USAGE}`);
    return 2;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
    if (!(port >= 0 && port <= 65_535)) {
      io.stderr('tip-sdk emulator: --port must be an integer 0..65535\n');
      return 2;
    }
  }
  let emu: RunningEmulator;
  try {
    emu = await startEmulator(values.config, {
      ...(port === undefined ? {} : { port }),
      ...(values['no-idp'] ? { idp: false as const } : {}),
      ...(values.quiet ? { quiet: true } : {}),
    });
  } catch (err) {
    if (isTipError(err)) {
      io.stderr(`tip-sdk emulator: ${err.message}\n`);
      return 2;
    }
    io.stderr(`tip-sdk emulator: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  // Listen for signals before announcing readiness, so a signal sent on the announcement is never missed.
  const stopped = new Promise<void>((resolve) => {
    const off = io.onSignal((signal) => {
      off();
      io.stderr(`tip-sdk emulator: ${signal} received, stopping\n`);
      resolve();
    });
  });
  io.stdout(
    [
      `tip-sdk emulator listening (development only)`,
      `  AWS endpoint : ${emu.url}`,
      `  IdP issuer   : ${emu.idp ? emu.idp.issuer : '(disabled: trusted token issuers naming "idp" accept no token)'}`,
      `  Region       : ${emu.region}   Account: ${emu.accountId}`,
      '',
      'Environment:',
      envBlock(emu),
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await stopped;
  await emu.stop();
  return 0;
}
