/**
 * The profile file: JSON `{ "profiles": { "<name>": { …settings… } } }`, by default
 * `$TIP_SDK_CONFIG_FILE`, else `$XDG_CONFIG_HOME/tip-sdk/config.json`, else `~/.config/tip-sdk/config.json`.
 * It holds no secret (the token cache holds those, encrypted).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TipError } from '../errors.js';
import { clause } from '../message-text.js';
import { type ConnectorProfile, type ResolvedProfile, resolveProfile } from './profile.js';

/** The default profile file path for this environment. */
export function defaultProfileFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TIP_SDK_CONFIG_FILE) return env.TIP_SDK_CONFIG_FILE;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'tip-sdk', 'config.json');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'tip-sdk', 'config.json');
}

/** Largest profile file read, bytes. */
const MAX_BYTES = 256 * 1024;

function invalid(path: string, problem: string, file: string): TipError {
  return new TipError('ERR_PROFILE_INVALID', `Profile file ${file}: ${path} ${clause(problem)}.`, {
    details: { path, file },
  });
}

/**
 * Reads the profiles of `file` (unvalidated settings by name). A missing file has no profiles.
 *
 * @throws TipError `ERR_PROFILE_INVALID` for an unreadable, oversized or malformed file.
 */
export async function readProfileFile(file: string): Promise<Readonly<Record<string, unknown>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw invalid('(file)', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, file);
  }
  if (Buffer.byteLength(text) > MAX_BYTES) throw invalid('(file)', 'is larger than 256 KiB', file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid('(file)', `is not valid JSON (${(error as Error).message})`, file);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw invalid('(file)', 'must hold a JSON object', file);
  for (const key of Object.keys(parsed)) {
    if (key !== 'profiles') throw invalid(key, 'is not a known key (only `profiles`)', file);
  }
  const profiles = (parsed as { profiles?: unknown }).profiles ?? {};
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles))
    throw invalid('profiles', 'must be an object', file);
  return Object.freeze({ ...(profiles as Record<string, unknown>) });
}

/**
 * The profile `name`: its settings in `file` overlaid with `overrides` (from flags), validated.
 *
 * @throws TipError `ERR_PROFILE_INVALID`.
 */
export async function loadProfile(
  name: string,
  overrides: Partial<ConnectorProfile> = {},
  file: string = defaultProfileFile(),
): Promise<ResolvedProfile> {
  const profiles = await readProfileFile(file);
  const stored = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
  if (stored !== undefined && (typeof stored !== 'object' || stored === null || Array.isArray(stored))) {
    throw invalid(`profiles.${name}`, 'must be an object', file);
  }
  if (stored === undefined && Object.keys(overrides).length === 0) {
    throw new TipError(
      'ERR_PROFILE_INVALID',
      `No profile "${name}" in ${file}: add it there (see docs/connector.md), or give its settings as flags.`,
      { details: { path: `profiles.${name}`, file } },
    );
  }
  try {
    return resolveProfile(name, { ...((stored as Record<string, unknown> | undefined) ?? {}), ...overrides });
  } catch (error) {
    if (error instanceof TipError && stored !== undefined) {
      throw new TipError(
        'ERR_PROFILE_INVALID',
        `${error.message} (profile "${name}" of ${file}, or a flag)`,
        {
          details: { ...error.details, file },
        },
      );
    }
    throw error;
  }
}
