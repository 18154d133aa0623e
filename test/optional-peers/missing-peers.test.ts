import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type OptionalPeer, installCommand } from '../../src/optional-peer.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every optional peer but PGlite, which the emulator (and so `tip-sdk/testing`) still loads up front. */
const HIDDEN: OptionalPeer[] = [
  '@aws-sdk/client-athena',
  '@aws-sdk/client-redshift',
  '@aws-sdk/client-redshift-data',
  '@aws-sdk/client-redshift-serverless',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-s3-control',
  '@opentelemetry/api',
  'express',
  'fastify',
  'ioredis',
  'msw',
  'oidc-provider',
  'redis',
];

interface Outcome {
  readonly ok: boolean;
  readonly value?: string;
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly details?: Record<string, unknown>;
}

let results: Record<string, Outcome>;

beforeAll(async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--import', './test/support/hide-packages.mjs', 'test/optional-peers/probe.ts'],
    { cwd: root, env: { ...process.env, TIP_HIDE_PACKAGES: HIDDEN.join(',') }, timeout: 60_000 },
  );
  results = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, Outcome>;
}, 90_000);

describe('without the optional peer dependencies installed', () => {
  it.each(['core', 'athena', 'redshift', 's3', 'express', 'fastify', 'observability', 'redis', 'testing'])(
    'the %s entry point loads',
    (entry) => {
      expect(results[`import ${entry}`]).toEqual({ ok: true });
    },
  );

  it.each<[string, OptionalPeer]>([
    ['user.athena.query', '@aws-sdk/client-athena'],
    ['athena().client', '@aws-sdk/client-athena'],
    ['athena().queryPages', '@aws-sdk/client-athena'],
    ['discoverFromWorkGroup', '@aws-sdk/client-athena'],
    ['user.redshift.query', '@aws-sdk/client-redshift-data'],
    ['user.redshift.batch', '@aws-sdk/client-redshift-data'],
    ['redshift().dataClient', '@aws-sdk/client-redshift-data'],
    ['user.redshift.driverToken workgroup', '@aws-sdk/client-redshift-serverless'],
    ['user.redshift.driverToken cluster', '@aws-sdk/client-redshift'],
    ['user.s3.getDataAccess', '@aws-sdk/client-s3-control'],
    ['user.s3.getObject', '@aws-sdk/client-s3'],
    ['user.s3.client', '@aws-sdk/client-s3'],
    ['s3AccessGrants().client', '@aws-sdk/client-s3'],
    ['loadOpenTelemetry required', '@opentelemetry/api'],
    ['createEmulatorHandlers', 'msw'],
    ['loadOptionalPeer oidc-provider', 'oidc-provider'],
  ])('%s fails with ERR_MISSING_DEPENDENCY naming %s and its install line', (attempt, peer) => {
    const outcome = results[attempt];
    expect(outcome).toMatchObject({
      ok: false,
      name: 'TipError',
      code: 'ERR_MISSING_DEPENDENCY',
      details: { package: peer, reason: 'missing', install: installCommand(peer) },
    });
    expect(outcome?.message).toContain(`The optional package ${peer} is not installed`);
    expect(outcome?.message).toContain(`Install it: ${installCommand(peer)}`);
  });

  it('keeps loadOpenTelemetry() optional: undefined, no error', () => {
    expect(results.loadOpenTelemetry).toEqual({ ok: true, value: 'undefined' });
  });

  it('builds the HTTP adapters, which use express and fastify only for types', () => {
    expect(results.tipMiddleware).toEqual({ ok: true, value: 'function' });
    expect(results.tipPlugin).toEqual({ ok: true, value: 'function' });
  });
});
