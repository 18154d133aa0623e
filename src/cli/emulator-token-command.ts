/**
 * `tip-sdk emulator token <user> [--issuer URL] [--audience A] [--scope S] [--id-token] [--json]`: a user
 * token from a running emulator's embedded IdP (its `POST /dev/token`), for scripts outside the emulator's
 * process. The issuer comes from `--issuer`, else `$TIP_ISSUER`, else `$TIP_IDP_ISSUER` (both printed by
 * `tip-sdk emulator`).
 */
import { isLoopbackHttp } from '../connector/loopback-url.js';
import type { CommandIo } from './emulator-command.js';
import { EXIT, parseFlags } from './profile-flags.js';

/** The usage text. */
export const EMULATOR_TOKEN_USAGE = `Usage: tip-sdk emulator token <user> [--issuer URL] [--audience A] [--scope S] [--id-token] [--json]

Prints a token of <user> from a running tip-sdk emulator's embedded IdP (development only), for scripts
outside the emulator's process:  export TIP_TOKEN=$(tip-sdk emulator token alice)

  --issuer URL     the IdP issuer (default $TIP_ISSUER, else $TIP_IDP_ISSUER; both printed by tip-sdk emulator)
  --audience A     the access token's aud (default: the IdP's audience)
  --scope S        the scope to request (default: openid email profile groups offline_access tip:read)
  --id-token       print the ID token instead of the access token
  --json           print the whole token response (access_token, id_token, refresh_token, expires_in)

Exit codes: 0 success; 1 the IdP refused or cannot be reached; 2 bad arguments.
`;

/** Runs the command; resolves with the exit code. `fetchImpl` replaces the global fetch (tests). */
export async function runEmulatorTokenCommand(
  argv: readonly string[],
  io: CommandIo,
  env: NodeJS.ProcessEnv = process.env,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const parsed = parseFlags(
    'emulator token',
    argv,
    {
      issuer: { type: 'string' },
      audience: { type: 'string' },
      scope: { type: 'string' },
      'id-token': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    EMULATOR_TOKEN_USAGE,
    io,
    true,
  );
  if (parsed === undefined) return EXIT.usage;
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(EMULATOR_TOKEN_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    io.stderr(`tip-sdk emulator token: name exactly one user\n\n${EMULATOR_TOKEN_USAGE}`);
    return EXIT.usage;
  }
  const issuer = (
    (values.issuer as string | undefined) ??
    env.TIP_ISSUER ??
    env.TIP_IDP_ISSUER ??
    ''
  ).replace(/\/+$/, '');
  if (issuer === '') {
    io.stderr(
      'tip-sdk emulator token: no issuer: pass --issuer, or set TIP_ISSUER (tip-sdk emulator prints it)\n',
    );
    return EXIT.usage;
  }
  if (!isLoopbackHttp(issuer)) {
    io.stderr(
      "tip-sdk emulator token: the issuer must be the emulator's loopback IdP (http://127.0.0.1:PORT)\n",
    );
    return EXIT.usage;
  }
  const body: Record<string, string> = { user: positionals[0] as string };
  if (values.audience !== undefined) body.audience = values.audience as string;
  if (values.scope !== undefined) body.scope = values.scope as string;
  let response: Response;
  try {
    response = await fetchImpl(`${issuer}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    io.stderr(
      `tip-sdk emulator token: cannot reach ${issuer} (${(error as Error).name}): is tip-sdk emulator running?\n`,
    );
    return EXIT.failed;
  }
  let json: Record<string, unknown>;
  try {
    json = (await response.json()) as Record<string, unknown>;
  } catch {
    io.stderr(
      `tip-sdk emulator token: ${issuer} answered HTTP ${response.status} without JSON: is it a tip-sdk emulator IdP?\n`,
    );
    return EXIT.failed;
  }
  if (!response.ok) {
    const what =
      typeof json.error_description === 'string' ? json.error_description : `HTTP ${response.status}`;
    io.stderr(`tip-sdk emulator token: the IdP refused: ${String(json.error ?? 'error')}: ${what}\n`);
    return EXIT.failed;
  }
  const token = values['id-token'] ? json.id_token : json.access_token;
  if (typeof token !== 'string') {
    io.stderr(
      'tip-sdk emulator token: the answer holds no such token (the ID token needs the openid scope)\n',
    );
    return EXIT.failed;
  }
  io.stdout(values.json ? `${JSON.stringify(json)}\n` : `${token}\n`);
  return EXIT.ok;
}
