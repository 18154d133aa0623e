// The flow of docs/getting-started.md §3 as a user runs it from the installed package: the example
// configuration shipped in the package, the emulator with its IdP, one trusted identity, and a user's
// Athena query, Redshift statement and S3 reads. Shared by the ESM and the CommonJS consumer, which pass
// in the modules each loaded its own way. Throws on the first expectation that does not hold.
const assert = require('node:assert/strict');
const { join } = require('node:path');

exports.run = async function run({ core, emulator, label }) {
  const { allowInsecureRequests, createTrustedIdentity, isTipError } = core;
  const config = join(process.cwd(), 'node_modules/tip-sdk/examples/emulator.config.json');
  const emu = await emulator.startEmulator(config, { port: 0, quiet: true });
  try {
    const { region, maxAttempts, ...clientConfig } = emu.clientConfig({ service: 's3' });
    const tip = createTrustedIdentity({
      region,
      issuers: [
        allowInsecureRequests({ issuer: emu.idp.issuer, audience: 'tip-sdk-demo', algorithms: ['RS256'] }),
      ],
      applicationArn: 'arn:aws:sso::123456789012:application/ssoins-7223a1b2c3d4e5f6/apl-0a1b2c3d4e5f6a7b',
      accessRoleArn: 'arn:aws:iam::123456789012:role/analytics-identity-bearer',
      clientConfig,
    });
    const user = await tip.forToken(await emu.idp.tokenFor('alice'));
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
    console.log(`${label}: getting-started flow OK (athena, redshift, s3 allowed and denied, 1 exchange)`);
  } finally {
    await emu.stop();
  }
};
