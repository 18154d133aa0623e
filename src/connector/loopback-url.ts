/**
 * Whether a URL is plain HTTP on this machine's loopback interface, the one place an IdP, an emulator or
 * a sign-in redirect may be reached without TLS.
 *
 * @module
 */

/** True for an `http:` URL on 127.0.0.0/8, `[::1]` or `localhost`. */
export function isLoopbackHttp(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'http:' &&
      (/^127(\.\d{1,3}){3}$/.test(u.hostname) || u.hostname === '[::1]' || u.hostname === 'localhost')
    );
  } catch {
    return false;
  }
}
