import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEV_KEY_WARNING, startIdp } from '../../../src/emulator/idp/index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function captureStderr(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  });
  return lines;
}

describe('development-keys warning', () => {
  it('is printed once per process, not when quiet, and never for key rotation', async () => {
    const written = captureStderr();
    const warnings = vi.spyOn(console, 'warn');
    const users = [{ userName: 'erin', email: 'erin@example.com' }];

    const quiet = await startIdp({ users, quiet: true });
    await quiet.stop();
    expect(written.join('')).not.toContain('DEVELOPMENT keys');

    const first = await startIdp({ users });
    const second = await startIdp({ users });
    await first.rotateKeys();
    await Promise.all([first.stop(), second.stop()]);

    const text = written.join('');
    expect(text.split(DEV_KEY_WARNING).length - 1).toBe(1);
    expect(text).toMatch(/NEVER use them in production/);
    // oidc-provider's own warnings (runtime, dev keys, dev adapter) do not show.
    const warned = warnings.mock.calls.map((c) => String(c[0]));
    expect(warned.filter((w) => w.includes('oidc-provider'))).toEqual([]);
    expect(text).not.toContain('oidc-provider WARNING');
  });
});
