/**
 * Events of the connector: what a desktop tool may log or show. They never carry a token, a code, a
 * refresh token, a key or credentials — only names, reasons and counts.
 *
 * @module
 */

/** Why a token cache file was not used. */
export type CacheRejection =
  | 'corrupt'
  | 'foreign'
  | 'owner'
  | 'permissions'
  | 'decrypt'
  | 'unreadable'
  | 'version';

/** An event of the connector. */
export type ConnectorEvent =
  | {
      /** The loopback redirect listens; the browser is about to open. */
      readonly type: 'sign-in.started';
      /** `oidc` (external IdP) or `idc` (IAM Identity Center). */
      readonly flow: 'oidc' | 'idc';
      /** The redirect URI (a loopback URL, not secret). */
      readonly redirectUri: string;
    }
  | {
      /** A request reached the loopback redirect and was refused; the sign-in goes on waiting. */
      readonly type: 'sign-in.callback-rejected';
      /** `state` (missing or wrong), `host` (not the loopback host), `path`, `method`, `completed`. */
      readonly reason: 'state' | 'host' | 'path' | 'method' | 'completed';
    }
  | {
      /** The sign-in finished. */
      readonly type: 'sign-in.succeeded';
      /** Which flow. */
      readonly flow: 'oidc' | 'idc';
    }
  | {
      /** The sign-in failed. */
      readonly type: 'sign-in.failed';
      /** Which flow. */
      readonly flow: 'oidc' | 'idc';
      /** The error code. */
      readonly code: string;
    }
  | {
      /** A token cache file was not used (treated as a miss). */
      readonly type: 'cache.rejected';
      /** The profile. */
      readonly profile: string;
      /** Why. */
      readonly reason: CacheRejection;
    }
  | {
      /** Tokens or credentials were renewed without a browser. */
      readonly type: 'refresh.succeeded';
      /** The profile. */
      readonly profile: string;
      /**
       * What was used: the IdP refresh token, the IdC refresh token, cached IdC tokens, or the cached role
       * credentials (`role-credentials`: a new Redshift driver token).
       */
      readonly via:
        | 'idp-refresh-token'
        | 'idc-refresh-token'
        | 'cached-jwt'
        | 'cached-idc-token'
        | 'role-credentials';
    }
  | {
      /** A renewal failed. */
      readonly type: 'refresh.failed';
      /** The profile. */
      readonly profile: string;
      /** The error code. */
      readonly code: string;
    };

/** Receives connector events; must not throw (a throwing sink is ignored). */
export type ConnectorEventSink = (event: ConnectorEvent) => void;

/** Calls `sink` with `event`, swallowing a sink's own failure. */
export function emitTo(sink: ConnectorEventSink | undefined, event: ConnectorEvent): void {
  if (sink === undefined) return;
  try {
    sink(event);
  } catch {
    // A faulty sink must not break a sign-in.
  }
}
