/**
 * Flags shared by the connector commands (`login`, `credentials`, `token`, `doctor`): `--profile`,
 * `--config`, and one flag per profile setting (generated from the settings table), plus the exit codes and
 * the one-line error report every command uses.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { ConnectorProfile } from '../connector/profile.js';
import { PROFILE_SETTINGS } from '../connector/profile.js';
import { isTipError } from '../errors.js';
import type { CommandIo } from './emulator-command.js';

/** Node's codes for a module that is not installed. */
const MISSING_MODULE: ReadonlySet<string> = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/** Exit codes of the connector commands. */
export const EXIT = Object.freeze({
  /** Success. */
  ok: 0,
  /** A failure: AWS, the IdP or the network refused or failed. */
  failed: 1,
  /** Bad arguments or an invalid profile. */
  usage: 2,
  /** A sign-in is needed (`tip-sdk login`). */
  signInRequired: 3,
  /** The browser sign-in failed, timed out or could not listen. */
  signInFailed: 4,
});

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs options for every profile setting, `--profile`, `--config` and `--help`. */
export function profileOptions(extra: Options = {}): Options {
  const options: Options = {
    profile: { type: 'string' },
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...extra,
  };
  for (const spec of PROFILE_SETTINGS) {
    options[spec.flag] =
      spec.kind === 'list' || spec.kind === 'map' ? { type: 'string', multiple: true } : { type: 'string' };
  }
  return options;
}

/** The help lines of the profile flags. */
export function profileFlagsHelp(): string {
  const rows = PROFILE_SETTINGS.map((s) => {
    const flag = `--${s.flag} ${s.kind === 'int' ? 'N' : s.kind === 'map' ? 'K=V' : 'X'}`;
    return `  ${flag.padEnd(30)} ${s.help}`;
  });
  return [
    '  --profile NAME                 profile of the profile file (default $TIP_SDK_PROFILE, else "default")',
    '  --config FILE                  profile file (default $TIP_SDK_CONFIG_FILE, else ~/.config/tip-sdk/config.json)',
    ...rows,
  ].join('\n');
}

/** Thrown for a flag value that does not parse; reported as a usage error. */
export class FlagError extends Error {}

/** The profile settings given as flags. */
export function profileOverrides(values: Record<string, unknown>): Partial<ConnectorProfile> {
  const out: Record<string, unknown> = {};
  for (const spec of PROFILE_SETTINGS) {
    const value = values[spec.flag];
    if (value === undefined) continue;
    if (spec.kind === 'map') {
      const map: Record<string, string> = {};
      for (const pair of value as string[]) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new FlagError(`--${spec.flag} takes NAME=VALUE, got ${JSON.stringify(pair)}`);
        map[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      out[spec.key] = map;
    } else out[spec.key] = value;
  }
  // A Redshift target given as a flag replaces the profile's target of the other kind.
  const { workgroupName, clusterIdentifier } = out;
  if (clusterIdentifier !== undefined && workgroupName === undefined) out.workgroupName = undefined;
  if (workgroupName !== undefined && clusterIdentifier === undefined) out.clusterIdentifier = undefined;
  return out as Partial<ConnectorProfile>;
}

/** The profile name from `--profile`, `$TIP_SDK_PROFILE`, or `default`. */
export function profileName(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): string {
  return (values.profile as string | undefined) ?? env.TIP_SDK_PROFILE ?? 'default';
}

/** Parses `argv` strictly; a parse failure is reported on stderr with the usage and returns `undefined`. */
export function parseFlags(
  command: string,
  argv: readonly string[],
  options: Options,
  usage: string,
  io: CommandIo,
  allowPositionals = false,
): { values: Record<string, unknown>; positionals: string[] } | undefined {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { values: values as Record<string, unknown>, positionals };
  } catch (error) {
    io.stderr(`tip-sdk ${command}: ${(error as Error).message}\n\n${usage}`);
    return undefined;
  }
}

/** Reports `error` in one line on stderr (never a secret: TipError messages hold none) and picks the exit code. */
export function reportError(command: string, error: unknown, io: CommandIo): number {
  if (error instanceof FlagError) {
    io.stderr(`tip-sdk ${command}: ${error.message}\n`);
    return EXIT.usage;
  }
  if (isTipError(error)) {
    io.stderr(`tip-sdk ${command}: ${error.code}: ${error.message}\n`);
    switch (error.code) {
      case 'ERR_PROFILE_INVALID':
        return EXIT.usage;
      case 'ERR_SIGN_IN_REQUIRED':
        return EXIT.signInRequired;
      case 'ERR_SIGN_IN_FAILED':
      case 'ERR_SIGN_IN_PORT_IN_USE':
        return EXIT.signInFailed;
      case 'ERR_TIMEOUT':
        return error.details.operation === 'sign-in' ? EXIT.signInFailed : EXIT.failed;
      default:
        return EXIT.failed;
    }
  }
  // A file-system error names a path, and a missing module its package (an incomplete installation);
  // anything else only its kind (a foreign message might quote a request).
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const named = typeof errno === 'string' && (/^E[A-Z]+$/.test(errno) || MISSING_MODULE.has(errno));
  io.stderr(
    named
      ? `tip-sdk ${command}: ${(error as Error).message.split('\n')[0]}${MISSING_MODULE.has(errno) ? ' (reinstall tip-sdk with its dependencies)' : ''}\n`
      : `tip-sdk ${command}: unexpected ${error instanceof Error ? error.name : 'error'}\n`,
  );
  return EXIT.failed;
}

/** The exit-code paragraph shared by the connector commands' help. */
export const EXIT_CODES_HELP = `Exit codes: 0 success; 1 failure (AWS, the IdP or the network); 2 bad arguments or profile;
3 sign-in needed (run tip-sdk login); 4 the browser sign-in failed or timed out.`;
