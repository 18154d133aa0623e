/**
 * The installed tip-sdk version, for `tip-sdk --version` and for what the emulator keeps between
 * processes (valid only for the version that wrote it).
 *
 * @module
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read from package.json next to the build (or the source). */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  cached = readVersion();
  return cached;
}

function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'tip-sdk' && typeof pkg.version === 'string' && /^[\w.+-]{1,64}$/.test(pkg.version))
        return pkg.version;
    } catch {
      // Try the next location.
    }
  }
  return 'unknown';
}
