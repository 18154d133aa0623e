/**
 * A scripted browser for the connector tests that need no Chromium: it follows the authorization URL over
 * HTTP with a cookie jar, fills the first sign-in form it meets (`userName`, the embedded IdP's and the
 * emulated IdC's pages alike) and delivers the final redirect to the loopback listener, as a browser would.
 */
import type { BrowserOpener } from '../../../src/connector/open-browser.js';

/** What the scripted browser saw. */
export interface BrowserTrace {
  /** Every URL requested, in order (no bodies). */
  readonly urls: string[];
  /** The status and body of the last page (the loopback's success or failure page). */
  last: { status: number; body: string } | undefined;
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const value = pair.slice(eq + 1).trim();
    if (value === '' || /max-age=0/i.test(line)) jar.delete(pair.slice(0, eq).trim());
    else jar.set(pair.slice(0, eq).trim(), value);
  }
}

/** Reads the hidden inputs of a form. */
function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1] as string] = (m[2] as string)
      .replaceAll('&amp;', '&')
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
  }
  return out;
}

/** An opener that signs `userName` in (or presses Cancel with `cancel: true`). */
export function httpBrowser(
  userName: string,
  options: { cancel?: boolean } = {},
): BrowserOpener & { trace: BrowserTrace } {
  const trace: BrowserTrace = { urls: [], last: undefined };
  const opener = async (start: string) => {
    const jar = new Map<string, string>();
    let next: { url: string; init: RequestInit } = { url: start, init: { method: 'GET' } };
    for (let step = 0; step < 15; step += 1) {
      trace.urls.push(next.url);
      const response = await fetch(next.url, {
        ...next.init,
        redirect: 'manual',
        headers: { ...(next.init.headers as Record<string, string>), cookie: cookieHeader(jar) },
      });
      keepCookies(jar, response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location !== null) {
        await response.arrayBuffer();
        next = { url: new URL(location, next.url).href, init: { method: 'GET' } };
        continue;
      }
      const body = await response.text();
      const action =
        /<form method="post" action="([^"]+)">\s*(?:<input type="hidden"[\s\S]*?)?<label for="userName"/.exec(
          body,
        )?.[1];
      if (response.status === 200 && action !== undefined) {
        const cancelAction = /<form method="post" action="([^"]*\/abort)">/.exec(body)?.[1];
        const fields = hiddenInputs(body);
        const form = options.cancel
          ? cancelAction !== undefined
            ? { url: new URL(cancelAction, next.url).href, fields: {} }
            : { url: new URL(action, next.url).href, fields: { ...fields, action: 'deny' } }
          : { url: new URL(action, next.url).href, fields: { ...fields, userName, action: 'allow' } };
        next = {
          url: form.url,
          init: {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(form.fields).toString(),
          },
        };
        continue;
      }
      trace.last = { status: response.status, body };
      return;
    }
    throw new Error('scripted browser: too many steps');
  };
  return Object.assign(opener, { trace });
}
