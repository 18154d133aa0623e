/**
 * The environment block `tip-sdk emulator` prints: each variable once, each line an `export` that `sh`
 * runs to the printed value, `TIP_AUDIENCE` the audience the application's jwt-bearer grant accepts, and
 * `TIP_REDSHIFT_CA_FILE` (the SQL endpoints' development CA) when a target has `sqlEndpoint`.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { codePointString } from '../../support/code-points.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envBlock, shellWord } from '../../../src/cli/emulator-command.js';
import { type RunningEmulator, startEmulator } from '../../../src/emulator/start.js';
import { salesWorkgroup, servicesConfig, startServicesEmulator } from '../../services/integration/kit.js';
import { APP_ARN, baseConfig } from './helpers/config.js';

/** The block's lines as [name, raw value], in order. */
function exportsOf(block: string): [string, string][] {
  return block
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^export ([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      expect(m, `not an export line: ${line}`).not.toBeNull();
      return [m![1]!, m![2]!];
    });
}

/** What `sh` holds for each name after running the block (values NUL-separated, so any byte survives). */
function shellValues(block: string, names: readonly string[]): string[] {
  const script = `${block}\nprintf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`;
  const result = spawnSync('sh', ['-ec', script], { encoding: 'utf8', env: {} });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\0').slice(0, -1);
}

describe('the environment block', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    // The IdP's default audience differs from the one the application accepts.
    emu = await startEmulator(baseConfig({ idp: { audience: 'idp-default-audience' } }), {
      port: 0,
      quiet: true,
      services: { athena: false, 'redshift-data': false },
    });
  });
  afterAll(() => emu?.stop());

  it('names each variable once, and sh reads back every printed value', () => {
    const block = envBlock(emu);
    const vars = exportsOf(block);
    const names = vars.map(([name]) => name);
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(new Set(names).size).toBe(names.length);
    expect(shellValues(block, names)).toEqual(vars.map(([, value]) => value));
  });

  it('prints TIP_AUDIENCE once, as the audience the application jwt-bearer grant accepts', () => {
    const vars = exportsOf(envBlock(emu));
    expect(vars.filter(([name]) => name === 'TIP_AUDIENCE')).toEqual([['TIP_AUDIENCE', 'tip-sdk-demo']]);
    expect(Object.fromEntries(vars).TIP_APPLICATION_ARN).toBe(APP_ARN);
  });

  it('has no TIP_REDSHIFT_CA_FILE when no target has a SQL endpoint', () => {
    expect(envBlock(emu)).not.toContain('TIP_REDSHIFT_CA_FILE');
  });
});

describe('shellWord', () => {
  it.each([
    ['http://127.0.0.1:4566', 'http://127.0.0.1:4566'],
    ['arn:aws:iam::123456789012:role/x', 'arn:aws:iam::123456789012:role/x'],
    ['/tmp/a b/ca.pem', "'/tmp/a b/ca.pem'"],
    ["it's", "'it'\\''s'"],
    ['$(touch /tmp/pwned)', "'$(touch /tmp/pwned)'"],
    ['', "''"],
  ])('writes %j as %s', (value, word) => {
    expect(shellWord(value)).toBe(word);
  });

  it('is read back by sh as the same string, whatever it holds', () => {
    // Many values per `sh` run: each spawn from a test worker costs tens of milliseconds (its memory is
    // copied on fork), so 8 runs of up to 48 values cover as many strings as 40 runs of up to 8 did.
    fc.assert(
      fc.property(fc.array(codePointString({ maxLength: 24 }), { minLength: 1, maxLength: 48 }), (raw) => {
        const values = raw.map((v) => v.replaceAll('\0', ''));
        const names = values.map((_, i) => `V${i}`);
        const block = values.map((v, i) => `export V${i}=${shellWord(v)}`).join('\n');
        expect(shellValues(block, names)).toEqual(values);
      }),
      { numRuns: 8 },
    );
  });
});

describe('the environment block with a Redshift SQL endpoint', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startServicesEmulator(
      servicesConfig({ redshift: { targets: [salesWorkgroup([['eu', 1]], [])] } }),
      ['redshift'],
    );
  });
  afterAll(() => emu?.stop());

  it('prints TIP_REDSHIFT_CA_FILE, the file holding the development CA the endpoints present', async () => {
    const block = envBlock(emu);
    const env = Object.fromEntries(exportsOf(block));
    expect(env.TIP_REDSHIFT_CA_FILE).toBe(emu.redshiftSql!.caFile);
    const [file] = shellValues(block, ['TIP_REDSHIFT_CA_FILE']);
    expect(await readFile(file!, 'utf8')).toBe(emu.redshiftSql!.caPem);
    expect(emu.redshiftSql!.caPem).toContain('-----BEGIN CERTIFICATE-----');
  });
});
