/**
 * The two small pages the loopback redirect answers the browser with: sign-in complete, or sign-in
 * failed. Script-free, escaped, never cached, never framed; they carry no token or code.
 *
 * @module
 */

/** Headers of every loopback page. */
export const LOOPBACK_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
});

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function page(title: string, heading: string, text: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:30rem;margin:4rem auto;line-height:1.4}</style>
</head>
<body>
<h1 id="outcome">${escapeHtml(heading)}</h1>
<p id="message">${escapeHtml(text)}</p>
</body>
</html>
`;
}

/** The page shown once the sign-in completed. */
export function successPage(): string {
  return page(
    'Signed in - tip-sdk',
    'Signed in',
    'You are signed in. You can close this window and return to the application.',
  );
}

/** The page shown when the sign-in failed; `message` must hold no secret. */
export function failurePage(message: string): string {
  return page('Sign-in failed - tip-sdk', 'Sign-in failed', message);
}
