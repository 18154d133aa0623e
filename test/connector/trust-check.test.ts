import { describe, expect, it } from 'vitest';
import { trustAllows } from '../../src/connector/trust-check.js';

const ROLE = 'arn:aws:iam::123456789012:role/desktop';
const allow = (Action: unknown, Principal: unknown = { AWS: ROLE }) => ({
  Effect: 'Allow',
  Action,
  Principal,
});

describe('trust policy reading', () => {
  it.each([
    ['both actions', [allow(['sts:AssumeRole', 'sts:SetContext'])], true, true],
    ['AssumeRole only', [allow('sts:AssumeRole')], true, false],
    ['sts:* and the account root', [allow('sts:*', { AWS: 'arn:aws:iam::123456789012:root' })], true, true],
    ['the account id', [allow('*', { AWS: '123456789012' })], true, true],
    [
      'another principal',
      [allow(['sts:AssumeRole', 'sts:SetContext'], { AWS: 'arn:aws:iam::123456789012:role/other' })],
      false,
      false,
    ],
    ['a federated principal only', [allow('sts:AssumeRole', { Federated: 'idp' })], false, false],
    [
      'an explicit Deny of SetContext',
      [allow('sts:*'), { Effect: 'Deny', Action: 'sts:SetContext', Principal: '*' }],
      true,
      false,
    ],
    ['no statements', [], false, false],
  ])('%s', (_name, Statement, assumeRole, setContext) => {
    expect(trustAllows({ Version: '2012-10-17', Statement }, ROLE)).toEqual({ assumeRole, setContext });
  });

  it('a single statement object and malformed documents', () => {
    expect(trustAllows({ Statement: allow(['sts:AssumeRole', 'sts:SetContext']) }, ROLE)).toEqual({
      assumeRole: true,
      setContext: true,
    });
    for (const doc of [null, 'x', 42, { Statement: 'nope' }, { Statement: [null, 1] }]) {
      expect(trustAllows(doc, ROLE)).toEqual({ assumeRole: false, setContext: false });
    }
  });
});
