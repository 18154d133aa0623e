import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import {
  OPTIONAL_PEERS,
  type OptionalPeer,
  installCommand,
  isPackageMissing,
  loadOptionalPeer,
  missingPeerError,
  requireOptionalPeer,
} from '../../src/optional-peer.js';
import { ROOT, filesUnder } from '../support/source-files.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

/** A package name no registry will ever serve, to get Node's own "not installed" errors. */
const ABSENT = 'tip-sdk-absent-package-for-tests';

async function importError(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier).then(
    () => undefined,
    (error: unknown) => error,
  );
}

function requireError(specifier: string): unknown {
  try {
    createRequire(import.meta.url)(specifier);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('OPTIONAL_PEERS', () => {
  it('lists exactly the optional peer dependencies of package.json, with their ranges', () => {
    expect(Object.keys(OPTIONAL_PEERS).sort()).toEqual(Object.keys(pkg.peerDependencies).sort());
    for (const [name, peer] of Object.entries(OPTIONAL_PEERS)) {
      expect(peer.range, name).toBe(pkg.peerDependencies[name]);
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
    }
  });

  it.each<[OptionalPeer, string]>([
    ['@aws-sdk/client-athena', 'npm install @aws-sdk/client-athena@3'],
    ['@aws-sdk/client-s3-control', 'npm install @aws-sdk/client-s3-control@3'],
    ['express', 'npm install express@5'],
    ['@opentelemetry/api', 'npm install @opentelemetry/api@1'],
    ['msw', 'npm install --save-dev msw@2'],
    ['oidc-provider', 'npm install --save-dev oidc-provider@9'],
    ['@electric-sql/pglite', 'npm install --save-dev @electric-sql/pglite@0.5'],
  ])('installs %s with `%s` (the supported major)', (name, command) => {
    expect(installCommand(name)).toBe(command);
  });
});

describe('isPackageMissing', () => {
  it("recognizes Node's own errors for a package that is not installed, from import and require", async () => {
    for (const error of [
      await importError(ABSENT),
      await importError(`${ABSENT}/sub`),
      requireError(ABSENT),
      requireError(`${ABSENT}/sub`),
    ]) {
      expect(isPackageMissing(error, ABSENT)).toBe(true);
    }
  });

  it('does not blame the package for another missing package or a missing file', async () => {
    expect(isPackageMissing(await importError(ABSENT), 'another-package')).toBe(false);
    expect(isPackageMissing(requireError(ABSENT), `${ABSENT}-more`)).toBe(false);
    expect(isPackageMissing(requireError(join(ROOT, 'no-such-file.js')), ABSENT)).toBe(false);
    expect(isPackageMissing(new Error(`Cannot find package '${ABSENT}'`), ABSENT)).toBe(false);
    expect(isPackageMissing(undefined, ABSENT)).toBe(false);
    expect(isPackageMissing('Cannot find module', ABSENT)).toBe(false);
  });
});

describe('missingPeerError', () => {
  it('names the package, what needs it and the install line; keeps the loader error as cause', () => {
    const cause = requireError(ABSENT) as Error;
    cause.message = cause.message.replaceAll(ABSENT, '@aws-sdk/client-athena');
    const error = missingPeerError('@aws-sdk/client-athena', cause);
    expect(isTipError(error, 'ERR_MISSING_DEPENDENCY')).toBe(true);
    expect(error.message).toBe(
      'The optional package @aws-sdk/client-athena is not installed; it is needed for Athena queries ' +
        '(`user.athena`, `tip-sdk/athena`). Install it: npm install @aws-sdk/client-athena@3',
    );
    expect(error.details).toEqual({
      package: '@aws-sdk/client-athena',
      reason: 'missing',
      install: 'npm install @aws-sdk/client-athena@3',
    });
    expect(error.cause).toBe(cause);
  });

  it('says "does not load" with the first line of the reason for an installed package that fails', () => {
    const error = missingPeerError('msw', new SyntaxError('Unexpected token in module.\n  at line 3'));
    expect(error.code).toBe('ERR_MISSING_DEPENDENCY');
    expect(error.details.reason).toBe('load_failed');
    expect(error.message).toBe(
      'The optional package msw, needed for the emulator as msw handlers (`tip-sdk/testing`), is installed ' +
        'but does not load (Unexpected token in module). Reinstall it: npm install --save-dev msw@2',
    );
  });
});

describe('loaders', () => {
  it('requireOptionalPeer returns the installed module, the same one `import` gets', async () => {
    const viaRequire = requireOptionalPeer<typeof import('@aws-sdk/client-athena')>('@aws-sdk/client-athena');
    const viaImport = await import('@aws-sdk/client-athena');
    expect(viaRequire.AthenaClient).toBe(viaImport.AthenaClient);
  });

  it('loadOptionalPeer maps only a missing package; any other failure passes through unchanged', async () => {
    const missing = await loadOptionalPeer('msw', async () => {
      const error = (await importError(ABSENT)) as Error;
      error.message = error.message.replaceAll(ABSENT, 'msw');
      throw error;
    }).catch((e: unknown) => e);
    expect(isTipError(missing, 'ERR_MISSING_DEPENDENCY')).toBe(true);
    const other = new Error('boom');
    await expect(loadOptionalPeer('msw', () => Promise.reject(other))).rejects.toBe(other);
    const elsewhere = await importError(ABSENT);
    await expect(loadOptionalPeer('msw', () => Promise.reject(elsewhere))).rejects.toBe(elsewhere);
  });
});

describe('the library imports no optional peer at the top of a module', () => {
  const PEER_IMPORT = new RegExp(
    `^import\\s+(?!type\\b)[^;]*?from\\s+'(${Object.keys(OPTIONAL_PEERS)
      .map((n) => n.replace(/[/.-]/g, '\\$&'))
      .join('|')})(/[^']*)?'`,
    'm',
  );
  /** Modules loaded only through `loadOptionalPeer`, and the emulator (which loads its own peers). */
  const LOADED_LAZILY = ['src/testing/msw-handlers.ts'];

  it('outside the emulator, value imports of peers only sit in modules loaded lazily', () => {
    const offenders = filesUnder('src')
      .filter((path) => !path.startsWith('src/emulator/') && !path.startsWith('src/cli/'))
      .filter((path) => !LOADED_LAZILY.includes(path))
      .filter((path) =>
        PEER_IMPORT.test(readFileSync(join(ROOT, path), 'utf8').replace(/^import type[^;]*;/gm, '')),
      );
    expect(offenders).toEqual([]);
  });
});
