/**
 * Loads oidc-provider on first use.
 *
 * oidc-provider prints "Unsupported runtime" through `console.warn` when its module is evaluated on a
 * Node.js release older than it prefers (Node 20 works; see PROTOCOL.md §7). That line is expected here,
 * so exactly that message is filtered while the module loads; every other warning passes through.
 */
import type * as OidcProviderModule from 'oidc-provider';
import { importOptional } from '../core/optional-import.js';

type ProviderModule = typeof OidcProviderModule;

let loading: Promise<ProviderModule> | undefined;

function isRuntimeWarning(args: unknown[]): boolean {
  const first = args[0];
  return typeof first === 'string' && first.includes('oidc-provider WARNING: Unsupported runtime');
}

/**
 * The oidc-provider module, imported once per process with its runtime warning filtered.
 *
 * @throws TipError `ERR_MISSING_DEPENDENCY` when the package is not installed.
 */
export function loadOidcProvider(): Promise<ProviderModule> {
  if (loading === undefined) {
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!isRuntimeWarning(args)) original.apply(console, args);
    };
    loading = importOptional(
      'oidc-provider',
      "The emulator's embedded IdP",
      () => import('oidc-provider'),
    ).finally(() => {
      console.warn = original;
    });
    // A failed import may be retried by a later call.
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
