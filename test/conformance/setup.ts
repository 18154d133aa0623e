/**
 * The emulator the conformance suite drives: the example configuration plus what the checks need
 * (a provisioned cluster, a second application for token exchange, a caller with the resource-scoped
 * policy of docs/aws-setup.md, a managed policy), started as `tip-sdk emulator` in a child process, and
 * user tokens signed in at its IdP over HTTP, as another process gets them.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorConfigInput } from '../../src/emulator/config/types.js';
import { USER_CLIENT_ID, USER_REDIRECT_URI } from '../../src/emulator/idp/options.js';
import { DEFAULT_USER_SCOPE, resourceIndicatorFor } from '../../src/emulator/idp/resources.js';
import { scriptedLogin } from '../../src/emulator/idp/scripted-login.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ACCOUNT = '123456789012';
export const PORTAL_ARN = `arn:aws:sso::${ACCOUNT}:application/ssoins-7223a1b2c3d4e5f6/apl-1a2b3c4d5e6f7a8b`;
export const MANAGED_POLICY_ARN = `arn:aws:iam::${ACCOUNT}:policy/list-workgroups`;
export const CLUSTER = 'analytics-cluster';
export const DOCS_KEY = {
  accessKeyId: 'AKIACONFORMANCEDOCS1',
  secretAccessKey: 'conformance-docs-policy-secret',
};

/** The example configuration, extended for the checks. */
export function conformanceConfig(): EmulatorConfigInput {
  const base = JSON.parse(
    readFileSync(join(ROOT, 'examples/emulator.config.json'), 'utf8'),
  ) as EmulatorConfigInput;
  const [app, ...apps] = base.identityCenter.applications;
  const accessRole = base.roles[0]!;
  const docsArn = `arn:aws:iam::${ACCOUNT}:user/docs-policy-service`;
  return {
    ...base,
    port: 0,
    identityCenter: {
      ...base.identityCenter,
      applications: [
        {
          ...app!,
          tokenExchange: { fromApplications: [PORTAL_ARN] },
          authorizationCode: { redirectUris: ['http://127.0.0.1:7890/callback'] },
          actorPrincipals: [...(app!.actorPrincipals ?? []), docsArn],
        },
        ...apps,
        {
          arn: PORTAL_ARN,
          name: 'portal',
          jwtBearer: app!.jwtBearer!,
          assignments: app!.assignments!,
        },
      ],
    },
    roles: [
      {
        ...accessRole,
        trustPolicy: [
          ...accessRole.trustPolicy,
          { Effect: 'Allow', Principal: { AWS: docsArn }, Action: ['sts:AssumeRole', 'sts:SetContext'] },
        ],
      },
      ...base.roles.slice(1),
    ],
    callers: [
      ...base.callers,
      {
        ...DOCS_KEY,
        principalArn: docsArn,
        // docs/aws-setup.md §4: the exchange on '*', AssumeRole and SetContext on the access role only.
        permissions: [
          { Effect: 'Allow', Action: 'sso-oauth:CreateTokenWithIAM', Resource: '*' },
          { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetContext'], Resource: accessRole.arn },
        ],
      },
    ],
    managedPolicies: [
      {
        arn: MANAGED_POLICY_ARN,
        statements: [{ Effect: 'Allow', Action: 'athena:ListWorkGroups', Resource: '*' }],
      },
    ],
    redshift: {
      ...base.redshift!,
      targets: [
        ...base.redshift!.targets,
        { clusterIdentifier: CLUSTER, databases: [{ name: 'dev', tables: [], grants: [] }] },
      ],
    },
  };
}

/** A `tip-sdk emulator` child process and the environment block it printed. */
export interface EmulatorProcess {
  readonly env: Readonly<Record<string, string>>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `tip-sdk emulator --config <file>` through the CLI entry point and waits for its banner. */
export async function startEmulatorProcess(configPath: string): Promise<EmulatorProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    // Baseline WebAssembly code only, as in the test workers (vitest.config.ts): PGlite boots on less CPU.
    ['--liftoff-only', CLI_BUNDLE, 'emulator', '--config', configPath, '--port', '0', '--quiet'],
    { cwd: ROOT },
  );
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Press Ctrl+C')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    void exited.then((code) =>
      reject(new Error(`tip-sdk emulator exited early (${code}): ${err.slice(-500)}`)),
    );
  });
  const env = Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  return {
    env,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** `count` fresh access tokens of `userName`, signed in at the IdP over HTTP like another process would. */
export async function userTokens(
  issuer: string,
  audience: string,
  userName: string,
  count: number,
): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await scriptedLogin({
      issuer,
      clientId: USER_CLIENT_ID,
      redirectUri: USER_REDIRECT_URI,
      userName,
      scope: DEFAULT_USER_SCOPE,
      resource: resourceIndicatorFor(audience),
    });
    tokens.push(response.access_token);
  }
  return tokens;
}

/** Writes `value` as JSON to `path`. */
export function writeJson(path: string, value: unknown): Promise<void> {
  return writeFile(path, JSON.stringify(value, null, 2));
}
