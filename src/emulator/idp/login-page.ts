/**
 * The HTML of the embedded IdP's sign-in page: one form with a user-name field and no password (any
 * configured user name signs in). Minimal, escaped, script-free, so a headless browser or a plain HTTP
 * client can fill and submit it.
 */

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Security headers for every page the IdP renders itself: no scripts, no framing, no caching. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:24rem;margin:4rem auto}label,input,button{display:block;margin:.5rem 0}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** What the sign-in page shows. */
export interface LoginPageInput {
  /** The interaction id; the form posts to `/interaction/<uid>/login`. */
  readonly uid: string;
  /** The client asking for the sign-in. */
  readonly clientId: string;
  /** A prefilled user name (e.g. after an unknown name was submitted). */
  readonly userName?: string;
  /** An error line shown above the form. */
  readonly error?: string;
}

/** The sign-in page. Form field: `userName`; submit button id: `sign-in`. */
export function loginPage(input: LoginPageInput): string {
  const uid = encodeURIComponent(input.uid);
  const error =
    input.error === undefined ? '' : `<p role="alert" id="error">${escapeHtml(input.error)}</p>\n`;
  return page(
    'Sign in - tip-sdk embedded IdP',
    `<h1>Sign in</h1>
<p>Development identity provider. Signing in to <strong>${escapeHtml(input.clientId)}</strong>. No password: any configured user name signs in.</p>
${error}<form method="post" action="/interaction/${uid}/login">
<label for="userName">User name</label>
<input id="userName" name="userName" autocomplete="username" required value="${escapeHtml(input.userName ?? '')}">
<button id="sign-in" type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${uid}/abort"><button id="cancel" type="submit">Cancel</button></form>`,
  );
}

/** A page for an interaction that cannot go on (expired or unknown). */
export function errorPage(message: string): string {
  return page(
    'Sign-in error - tip-sdk embedded IdP',
    `<h1>Sign-in error</h1>\n<p>${escapeHtml(message)}</p>`,
  );
}
