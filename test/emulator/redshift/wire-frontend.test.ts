/**
 * The SQL endpoint's reader of client bytes (untrusted input): a table of hostile frames and a fast-check
 * property that any bytes, split anywhere, give messages or a WireProtocolError and nothing else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as be from '../../../src/emulator/redshift/wire/backend.js';
import { FrontendReader, WireProtocolError } from '../../../src/emulator/redshift/wire/frontend.js';
import { frame, startup, tokenMessage } from './helpers/wire-client.js';

function readAll(bytes: Buffer, phase: 'startup' | 'typed') {
  const reader = new FrontendReader();
  reader.push(bytes);
  const out: unknown[] = [];
  for (;;) {
    const m = phase === 'startup' ? reader.startup() : reader.next();
    if (!m) return out;
    out.push(m);
  }
}

describe('FrontendReader', () => {
  it('reads a startup packet without user and both token framings', () => {
    const [packet] = readAll(startup({ database: 'dev', token_type: 'SUBJECT_TOKEN' }), 'startup');
    expect(packet).toEqual({
      type: 'startup',
      parameters: new Map([
        ['database', 'dev'],
        ['token_type', 'SUBJECT_TOKEN'],
      ]),
    });
    expect(readAll(tokenMessage('abc', true), 'typed')).toEqual([{ type: 'idp-token', token: 'abc' }]);
    expect(readAll(tokenMessage('abc', false), 'typed')).toEqual([{ type: 'idp-token', token: 'abc' }]);
  });

  it('waits for a whole message before returning it', () => {
    const reader = new FrontendReader();
    const bytes = frame('Q', Buffer.from('select 1\0'));
    reader.push(bytes.subarray(0, 7));
    expect(reader.next()).toBeUndefined();
    reader.push(bytes.subarray(7));
    expect(reader.next()).toEqual({ type: 'query', sql: 'select 1' });
  });

  const HOSTILE: readonly [string, Buffer, 'startup' | 'typed', string][] = [
    ['startup length 4', Buffer.from([0, 0, 0, 4, 0, 0, 0, 0]), 'startup', '08P01'],
    ['startup over 10 000 bytes', Buffer.from([0, 0, 0x30, 0, 0, 3, 0, 0]), 'startup', '08P01'],
    ['protocol 2', Buffer.from([0, 0, 0, 9, 0, 2, 0, 0, 0]), 'startup', '0A000'],
    ['parameter without NUL', Buffer.from([0, 0, 0, 10, 0, 3, 0, 0, 0x61, 0x62]), 'startup', '08P01'],
    [
      '65 parameters',
      startup(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, 'v']))),
      'startup',
      '08P01',
    ],
    [
      'cancel request too short',
      Buffer.from([0, 0, 0, 12, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 1]),
      'startup',
      '08P01',
    ],
    [
      'invalid UTF-8 parameter',
      Buffer.from([0, 0, 0, 13, 0, 3, 0, 0, 0x61, 0, 0xff, 0, 0]),
      'startup',
      '22021',
    ],
    ['typed length 3', Buffer.from([0x51, 0, 0, 0, 3]), 'typed', '08P01'],
    ['typed length 16 MiB', Buffer.from([0x51, 0x01, 0, 0, 0]), 'typed', '08P01'],
    ['unknown type', frame('y', Buffer.alloc(0)), 'typed', '08P01'],
    ['query without NUL', frame('Q', Buffer.from('x')), 'typed', '08P01'],
    ['query with bytes after its NUL', frame('Q', Buffer.from('x\0y')), 'typed', '08P01'],
    ['parse with a negative type count', frame('P', Buffer.from([0, 0x78, 0, 0xff, 0xff])), 'typed', '08P01'],
    ['bind format code 2', frame('B', Buffer.from([0, 0, 0, 1, 0, 2, 0, 0, 0, 0])), 'typed', '08P01'],
    ['bind value past the end', frame('B', Buffer.from([0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 1])), 'typed', '08P01'],
    ['describe target Q', frame('D', Buffer.from('Q\0')), 'typed', '08P01'],
    ['token with an inner NUL', frame('i', Buffer.from('a\0b')), 'typed', '08P01'],
    ['sync with a body', frame('S', Buffer.from([1])), 'typed', '08P01'],
  ];

  it.each(HOSTILE)('refuses %s', (_name, bytes, phase, sqlState) => {
    let error: unknown;
    try {
      readAll(bytes, phase);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WireProtocolError);
    expect((error as WireProtocolError).sqlState).toBe(sqlState);
  });

  it('any bytes, split anywhere, give messages or a WireProtocolError, never another exception', () => {
    const valid = fc.constantFrom(
      frame('Q', Buffer.from('select 1\0')),
      frame('S', Buffer.alloc(0)),
      tokenMessage('tok', true),
      frame('E', Buffer.from([0, 0, 0, 0, 0])),
    );
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
      valid,
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 8 }), fc.boolean(), (chunks, startupPhase) => {
        const reader = new FrontendReader();
        try {
          for (const c of chunks) {
            reader.push(c);
            for (let i = 0; i < 100; i++) {
              const m = startupPhase ? reader.startup() : reader.next();
              if (!m) break;
            }
          }
        } catch (error) {
          expect(error).toBeInstanceOf(WireProtocolError);
        }
        // Never more buffered than was sent.
        expect(reader.pending).toBeLessThanOrEqual(chunks.reduce((n, c) => n + c.length, 0));
      }),
      { numRuns: 500 },
    );
  });
});

describe('backend messages', () => {
  it('strip NUL from text fields so a value cannot shift the fields after it', () => {
    const e = be.errorResponse({ severity: 'ERROR', code: '42000', message: 'a\0b' });
    expect(e.subarray(5).toString('latin1')).toBe('SERROR\0VERROR\0C42000\0Mab\0\0');
    expect(e.readInt32BE(1)).toBe(e.length - 1);
  });
});
