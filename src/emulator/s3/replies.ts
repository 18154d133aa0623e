/**
 * Reply helpers shared by the S3 and S3 Control services: XML documents as {@link RawReply}, and the
 * `AwsServiceError`s both services raise.
 */
import { AwsServiceError, type RawReply } from '../core/types.js';
import { xmlDocument } from '../core/xml.js';

/** A 200 (or `status`) reply whose body is the XML document `<root xmlns=namespace>value</root>`. */
export function xmlReply(root: string, value: unknown, namespace: string, status = 200): RawReply {
  return {
    raw: true,
    status,
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument(root, value, namespace),
  };
}

/** `InvalidRequest` (400): a malformed parameter; `message` says which and what to send instead. */
export function invalidRequest(message: string): AwsServiceError {
  return new AwsServiceError('InvalidRequest', message, 400);
}

/** `AccessDenied` (403). */
export function accessDenied(message: string): AwsServiceError {
  return new AwsServiceError('AccessDenied', message, 403);
}

/** Shortens untrusted text for an error message or the audit log (it is echoed, never interpreted). */
export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
