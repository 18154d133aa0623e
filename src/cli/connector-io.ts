/**
 * What the connector commands share: loading the profile from the file and the flags, and creating the
 * connector with the CLI's cache, browser opener and warnings.
 */
import { createConnector } from '../connector/connector.js';
import type { Connector } from '../connector/connector-types.js';
import type { ConnectorEvent } from '../connector/events.js';
import type { BrowserOpener } from '../connector/open-browser.js';
import { openSystemBrowser } from '../connector/open-browser.js';
import { defaultProfileFile, loadProfile } from '../connector/profile-file.js';
import type { CommandIo } from './emulator-command.js';
import { profileName, profileOverrides } from './profile-flags.js';

/** Options of {@link openConnector}. */
export interface OpenConnectorOptions {
  /** Do not open a browser; print the URL instead. */
  readonly noBrowser?: boolean;
  /** Opener to use instead of the system browser (tests). */
  readonly open?: BrowserOpener;
}

/** One line on stderr per event worth telling a person; never a secret. */
function describeEvent(event: ConnectorEvent): string | undefined {
  switch (event.type) {
    case 'cache.rejected':
      return `ignoring the token cache of profile "${event.profile}" (${event.reason}); it is replaced at the next sign-in`;
    case 'sign-in.callback-rejected':
      return `ignored a request to the sign-in redirect (${event.reason})`;
    default:
      return undefined;
  }
}

/** Loads the profile named by the flags and creates its connector. */
export async function openConnector(
  values: Record<string, unknown>,
  io: CommandIo,
  options: OpenConnectorOptions = {},
): Promise<Connector> {
  const file = (values.config as string | undefined) ?? defaultProfileFile();
  const profile = await loadProfile(profileName(values), profileOverrides(values), file);
  const open: BrowserOpener = options.noBrowser ? async () => undefined : (options.open ?? openSystemBrowser);
  return createConnector(profile, {
    open,
    onAuthorizationUrl: (url) =>
      io.stderr(
        options.noBrowser
          ? `Open this URL in a browser to sign in:\n\n  ${url}\n\n`
          : `Signing in with the browser. If it does not open, visit:\n\n  ${url}\n\n`,
      ),
    onEvent: (event) => {
      const line = describeEvent(event);
      if (line !== undefined) io.stderr(`tip-sdk: ${line}\n`);
    },
  });
}
