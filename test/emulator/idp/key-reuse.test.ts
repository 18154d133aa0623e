/**
 * The keys an IdP starts with: those of an IdP this process stopped earlier when there is one (RSA 2048
 * generation is the slow part of a start), never those of a running IdP, and never after a rotation.
 */
import { type JSONWebKeySet, createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { type EmbeddedIdp, startIdp } from '../../../src/emulator/idp/index.js';

const start = () => startIdp({ quiet: true, users: [{ userName: 'carol', email: 'carol@example.com' }] });

async function kids(idp: EmbeddedIdp): Promise<string[]> {
  const res = await fetch(idp.jwksUri);
  expect(res.status).toBe(200);
  return ((await res.json()) as JSONWebKeySet).keys.map((k) => k.kid!).sort();
}

describe('IdP signing keys across starts', () => {
  it('running IdPs never share a key; a later IdP may start with a stopped one’s keys', async () => {
    const a = await start();
    const b = await start();
    const c = await start();
    const running = [await kids(a), await kids(b), await kids(c)];
    expect(new Set(running.flat()).size).toBe(6);
    await b.stop();
    const d = await start();
    try {
      expect(await kids(d)).toEqual(running[1]);
      for (const other of [running[0]!, running[2]!]) {
        for (const kid of await kids(d)) expect(other).not.toContain(kid);
      }
      // Its tokens verify under its own issuer and keys.
      const token = await d.signToken({ sub: 'carol' });
      const jwks = createLocalJWKSet((await (await fetch(d.jwksUri)).json()) as JSONWebKeySet);
      expect((await jwtVerify(token, jwks, { issuer: d.issuer })).payload.sub).toBe('carol');
    } finally {
      await Promise.all([a.stop(), c.stop(), d.stop()]);
    }
  });

  it('a rotation generates keys no IdP has held', async () => {
    const a = await start();
    const before = await kids(a);
    await a.rotateKeys({ dropOld: true });
    const after = await kids(a);
    await a.stop();
    for (const kid of after) expect(before).not.toContain(kid);
    // The next IdP takes the keys a held when it stopped: the rotated ones.
    const b = await start();
    try {
      expect(await kids(b)).toEqual(after);
    } finally {
      await b.stop();
    }
  });
});
