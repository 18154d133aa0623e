// The flow of docs/getting-started.md §3 as a user runs it from the installed package: the example
// configuration shipped in the package, the emulator with its IdP, one trusted identity from
// `emu.trustedIdentityOptions()`, a user's Athena query, Redshift statement and S3 reads, an unknown
// option refused, close(); then "From another process": `tip-sdk emulator` run through the package's bin,
// a token from `tip-sdk emulator token`, the region from AWS_REGION and S3 on the printed endpoint.
// Shared by the ESM and the CommonJS consumer, which pass in the modules each loaded its own way. Throws
// on the first expectation that does not hold.
const assert = require('node:assert/strict');
const { execFile, spawn } = require('node:child_process');
const { join } = require('node:path');
const { promisify } = require('node:util');

const BIN = join(process.cwd(), 'node_modules/.bin/tip-sdk');

/** Runs `tip-sdk emulator --config <config> --port 0` and resolves with its process and printed variables. */
function startCli(config) {
  const child = spawn(BIN, ['emulator', '--config', config, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`tip-sdk emulator exited with ${code}`)));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      if (!out.includes('Press Ctrl+C to stop.')) return;
      const env = Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
      resolve({
        env,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

async function outOfProcess({ core, config, label }) {
  const { allowInsecureRequests, createTrustedIdentity } = core;
  const cli = await startCli(config);
  try {
    const { env } = cli;
    const { stdout } = await promisify(execFile)(BIN, [
      'emulator',
      'token',
      'alice',
      '--issuer',
      env.TIP_ISSUER,
    ]);
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
    process.env.AWS_REGION = env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    let tip;
    try {
      // No region option: AWS_REGION, as printed.
      tip = createTrustedIdentity({
        issuers: [
          allowInsecureRequests({
            issuer: env.TIP_ISSUER,
            audience: env.TIP_AUDIENCE,
            algorithms: ['RS256'],
          }),
        ],
        applicationArn: env.TIP_APPLICATION_ARN,
        accessRoleArn: env.TIP_ACCESS_ROLE_ARN,
        clientConfig: {
          endpoint: env.AWS_ENDPOINT_URL,
          credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
        },
      });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const user = await tip.forToken(stdout.trim());
    assert.equal(user.clientConfig().region, env.AWS_REGION);
    const report = await user.s3.getObject({ Bucket: 'lake', Key: 'team-a/report.csv' });
    assert.match(report.text(), /^id,amount/);
    await tip.close();
    console.log(`${label}: tip-sdk emulator in another process OK (bin, emulator token, AWS_REGION, s3)`);
  } finally {
    assert.equal(await cli.stop(), 0, 'tip-sdk emulator stops cleanly on SIGTERM');
  }
}

exports.run = async function run({ core, emulator, label }) {
  const { createTrustedIdentity, isTipError } = core;
  const config = join(process.cwd(), 'node_modules/tip-sdk/examples/emulator.config.json');
  const emu = await emulator.startEmulator(config, { port: 0, quiet: true });
  try {
    const options = emu.trustedIdentityOptions();
    const misspelt = (() => {
      try {
        createTrustedIdentity({ ...options, useRefreshToken: false });
      } catch (error) {
        return error;
      }
    })();
    assert.equal(misspelt?.code, 'ERR_INVALID_OPTION', 'an unknown option key is refused');
    assert.match(misspelt.message, /did you mean `useRefreshTokens`/);
    const tip = createTrustedIdentity(options);
    const user = await tip.forToken(await emu.tokenFor('alice'));
    assert.equal(user.identity.subject, 'alice');

    const orders = await user.athena.query('SELECT id, region, amount FROM sales.orders ORDER BY id', {
      workGroup: 'analysts',
      pollInterval: 20,
    });
    assert.deepEqual(
      orders.rows.map((r) => r.region),
      ['eu', 'eu'],
      'the row filter of the analysts group applies',
    );
    const who = await user.redshift.query('select current_user as u', {
      workgroupName: 'analytics-wg',
      database: 'dev',
      pollInterval: 20,
    });
    assert.equal(who.rows[0]?.u, 'AWSIDC:alice');
    const report = await user.s3.getObject({ Bucket: 'lake', Key: 'team-a/report.csv' });
    assert.match(report.text(), /^id,amount/);
    const denied = await user.s3.getObject({ Bucket: 'lake', Key: 'team-b/notes.txt' }).catch((e) => e);
    assert.ok(isTipError(denied, 'ERR_ACCESS_DENIED'), `expected ERR_ACCESS_DENIED, got ${denied}`);
    assert.equal(emu.counters.get('sso-oauth:CreateTokenWithIAM'), 1);
    assert.equal(emu.counters.get('sts:AssumeRole'), 1);
    await tip.close();
    const closed = await tip.forToken(await emu.tokenFor('alice')).catch((e) => e);
    assert.ok(isTipError(closed, 'ERR_CLOSED'), `expected ERR_CLOSED after close(), got ${closed}`);
    console.log(
      `${label}: getting-started flow OK (athena, redshift, s3 allowed and denied, 1 exchange, close)`,
    );
  } finally {
    await emu.stop();
  }
  await outOfProcess({ core, config, label });
};
