/**
 * Opening the system browser on a URL: `open` on macOS, `rundll32 url.dll,FileProtocolHandler` on Windows,
 * `xdg-open` elsewhere, or the command in `$BROWSER` when set. The URL is passed as one argument, never
 * through a shell.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { TipError } from '../errors.js';

/** Opens `url` in a browser; resolves once the browser (or its launcher) started. */
export type BrowserOpener = (url: string) => Promise<void>;

/** The launcher command and its arguments for `url` on this platform. */
export function browserCommand(
  url: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): { command: string; args: string[] } {
  const custom = env.BROWSER?.trim();
  if (custom) return { command: custom, args: [url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { command: 'xdg-open', args: [url] };
}

/**
 * The default {@link BrowserOpener}: spawns the platform launcher detached.
 *
 * @throws TipError `ERR_SIGN_IN_FAILED` (reason `browser`) when no launcher can be started.
 */
export const openSystemBrowser: BrowserOpener = (url) =>
  new Promise<void>((resolve, reject) => {
    const { command, args } = browserCommand(url);
    const fail = (why: string) =>
      reject(
        new TipError(
          'ERR_SIGN_IN_FAILED',
          `The browser could not be opened (${command}: ${why}): open the sign-in URL yourself (\`--no-browser\` prints it), or set BROWSER.`,
          { details: { reason: 'browser' } },
        ),
      );
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, { detached: true, stdio: 'ignore', shell: false });
    } catch (error) {
      fail((error as Error).message);
      return;
    }
    child.once('error', (error) => fail(error.message));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
