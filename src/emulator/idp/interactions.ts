/**
 * The interaction routes of the embedded IdP (`/interaction/:uid`): the sign-in page and form handler,
 * an automatically granted consent step, and cancellation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interaction, InteractionResults, Provider } from 'oidc-provider';
import { errorPage, loginPage, PAGE_HEADERS } from './login-page.js';

/** Form bodies larger than this are refused (bytes). */
const MAX_FORM_BYTES = 16 * 1024;

/** Reads an `application/x-www-form-urlencoded` body, up to {@link MAX_FORM_BYTES}. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(html);
}

/** Grants everything the interaction asks consent for, as a real user clicking "allow" would. */
async function grantConsent(provider: Provider, interaction: Interaction): Promise<InteractionResults> {
  const accountId = interaction.session?.accountId;
  const clientId = interaction.params.client_id;
  const details = interaction.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const existing =
    interaction.grantId === undefined ? undefined : await provider.Grant.find(interaction.grantId);
  const grant = existing ?? new provider.Grant({ accountId, clientId: String(clientId) });
  if (details.missingOIDCScope !== undefined) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims !== undefined) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return existing === undefined ? { consent: { grantId } } : { consent: {} };
}

/**
 * Handles one request under `/interaction/`. `segments` are the path parts after `interaction`
 * (`[uid]`, `[uid, 'login']` or `[uid, 'abort']`). `knownUser` decides whether a user name may sign in.
 */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
  knownUser: (userName: string) => boolean,
): Promise<void> {
  let interaction: Interaction;
  try {
    interaction = await provider.interactionDetails(req, res);
  } catch {
    sendPage(
      res,
      400,
      errorPage('This sign-in has expired or is unknown. Start again from the application.'),
    );
    return;
  }
  const [uid, action] = segments;
  if (uid !== interaction.uid) {
    sendPage(res, 400, errorPage('This sign-in does not match the browser session. Start again.'));
    return;
  }
  const clientId = String(interaction.params.client_id ?? '');

  if (req.method === 'GET' && action === undefined) {
    if (interaction.prompt.name === 'login') {
      sendPage(res, 200, loginPage({ uid: interaction.uid, clientId }));
      return;
    }
    if (interaction.prompt.name === 'consent') {
      await provider.interactionFinished(req, res, await grantConsent(provider, interaction), {
        mergeWithLastSubmission: true,
      });
      return;
    }
    sendPage(res, 400, errorPage(`Unsupported prompt ${interaction.prompt.name}.`));
    return;
  }

  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    if (form === undefined) {
      sendPage(res, 413, errorPage('The sign-in form was too large.'));
      return;
    }
    const userName = form.get('userName')?.trim() ?? '';
    if (!knownUser(userName)) {
      const error = userName === '' ? 'Enter a user name.' : 'Unknown user name.';
      sendPage(res, 401, loginPage({ uid: interaction.uid, clientId, userName, error }));
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: userName } },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  if (req.method === 'POST' && action === 'abort') {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user cancelled the sign-in.' },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, POST' });
  res.end('Method not allowed');
}
