import { describe, expect, it } from 'vitest';
import { BURST, DEMO_CONFIG, DEMO_USERS } from '../../scripts/demo/config.js';
import { formatTable } from '../../scripts/demo/report.js';
import { runDemo } from '../../scripts/demo/run.js';

const STEPS = [
  'identity',
  'athena',
  'athena table',
  'redshift',
  'driver token',
  's3 allowed',
  's3 denied',
  'burst',
  'cache',
];

describe('npm run demo', () => {
  it('runs every step for every user on the emulator, each expectation holding, and prints no secret', async () => {
    const lines: string[] = [];
    const result = await runDemo({ line: (text = '') => lines.push(text), color: false });
    const output = lines.join('\n');

    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.label)).toEqual(DEMO_USERS.flatMap(() => STEPS));
    expect(result.summary).toMatch(new RegExp(`^all ${STEPS.length * DEMO_USERS.length} checks passed in `));

    // What each user could do differs, and the output says so.
    expect(output).toContain('current_user = AWSIDC:alice · 2 of 5 revenue rows visible');
    expect(output).toContain('current_user = AWSIDC:bob · 5 of 5 revenue rows visible');
    expect(output).toContain('→ 2 rows, regions eu');
    expect(output).toContain('→ 5 rows, regions apac, eu, us');
    // Two S3 reads outside the users' grants, and alice's query on the finance-only table.
    expect(output.match(/→ ERR_ACCESS_DENIED/g)).toHaveLength(3);
    expect(output).toContain(
      'FROM finance.ledger → ERR_ACCESS_DENIED (Insufficient Lake Formation permission',
    );
    expect(output).toContain('FROM finance.ledger → 3 rows');
    expect(output).toMatch(new RegExp(`s3:GetObject +1 +${BURST} +1 +${BURST}`));
    expect(output).toMatch(/sso-oauth:CreateTokenWithIAM +1 +0 +1 +0/);
    expect(output).toMatch(/sts:AssumeRole +1 +0 +1 +0/);

    // No JWT, session key or development secret; no colour when not asked for.
    expect(output).not.toMatch(/eyJ[\w-]{10,}/);
    expect(output).not.toMatch(/ASIA[A-Z0-9]{12,}/);
    expect(output).not.toContain(DEMO_CONFIG.callers[0]!.secretAccessKey);
    expect(output).not.toContain('\u001b[');
  }, 90_000);

  it('aligns table columns under a dashed header', () => {
    expect(
      formatTable([
        ['op', 'n'],
        ['sts:AssumeRole', '1'],
      ]),
    ).toEqual(['op              n', '--------------  -', 'sts:AssumeRole  1']);
  });
});
