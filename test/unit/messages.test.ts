import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapAwsError } from '../../src/aws/map-error.js';
import { loadEmulatorConfig, validateEmulatorConfig } from '../../src/emulator/config/validate.js';
import { clause } from '../../src/message-text.js';
import { invalidScope } from '../../src/services/s3/uri.js';
import { ROOT, filesUnder } from '../support/source-files.js';

/** Two periods ending a sentence (an ellipsis `...` is fine). */
const DOUBLED = /[^.]\.\s*\.(?!\.)/;

describe('error message punctuation', () => {
  it('clause() drops the final periods of embedded text and keeps an ellipsis', () => {
    expect(clause('The token is invalid.')).toBe('The token is invalid');
    expect(clause('Done..  ')).toBe('Done');
    expect(clause('and more...')).toBe('and more...');
    expect(clause('no period')).toBe('no period');
    expect(clause('')).toBe('');
  });

  it('never ends a sentence of tip-sdk with an embedded text’s own period (every message template)', () => {
    // Text that comes from elsewhere — an AWS message, a parser's reason — is embedded before a period of
    // the template only through clause(). Scans the library and the emulator's configuration errors (the
    // emulator's service modules answer AWS clients in AWS's words).
    const FREE_TEXT =
      /\$\{\s*(?:[\w$]+\.)*(reason|problem|detail|awsMessage|message|description)\s*\}\.(?=[\s`'"]|$)/;
    const CONDITIONAL = /\$\{\s*(\w+)\s*\?\s*`[^`]*\$\{\s*\1\s*\}`\s*:\s*''\s*\}\.(?=[\s`'"]|$)/;
    const offenders: string[] = [];
    for (const path of filesUnder('src')) {
      if (path.startsWith('src/emulator/') && !path.startsWith('src/emulator/config/')) continue;
      readFileSync(join(ROOT, path), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (FREE_TEXT.test(line) || CONDITIONAL.test(line)) offenders.push(`${path}:${i + 1}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('mapAwsError keeps one period whatever the AWS message ends with', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('SomeNewException', 'AccessDenied', 'Throttling', 'InternalFailure', 'ExpiredToken'),
        fc.constantFrom('sts', 'sso-oidc', 'athena', 's3'),
        fc.constantFrom('The request is invalid', 'Bad thing happened', 'x'),
        fc.constantFrom('', '.', '. ', '!'),
        (name, service, text, ending) => {
          const error = mapAwsError(Object.assign(new Error(`${text}${ending}`), { name }), {
            service,
            operation: 'Op',
          });
          expect(error.message).not.toMatch(DOUBLED);
        },
      ),
    );
    const unknown = mapAwsError(Object.assign(new Error('The thing is invalid.'), { name: 'NewThing' }), {
      service: 'athena',
      operation: 'GetWorkGroup',
    });
    expect(unknown.message).toBe('AWS athena refused GetWorkGroup with NewThing: The thing is invalid.');
  });

  it('keeps one period in S3 URI errors', () => {
    expect(invalidScope().message).toBe(
      'Not a usable S3 URI: GetDataAccess returned a MatchedGrantTarget that is not an S3 URI.',
    );
  });
});

describe('emulator configuration messages', () => {
  it('names the configuration itself instead of an empty path', () => {
    for (const input of [null, 42, 'text', []]) {
      expect(() => validateEmulatorConfig(input as never)).toThrow(
        /^Emulator config: the configuration must be an object\.$/,
      );
    }
  });

  it('quotes an unknown key that is not a plain name', () => {
    expect(() => validateEmulatorConfig({ 'a`b': 1 } as never)).toThrow(
      /^Emulator config: `"a`b"` is not a known setting/,
    );
  });

  it('says why a file cannot be read', async () => {
    await expect(loadEmulatorConfig(join(ROOT, 'no-such-emulator-config.json'))).rejects.toThrow(
      /^Emulator config: cannot read the file .*no-such-emulator-config\.json \(no such file\)\.$/,
    );
    await expect(loadEmulatorConfig(ROOT)).rejects.toThrow(/\(it is a directory\)\.$/);
  });
});
