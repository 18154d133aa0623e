/**
 * Minimal XML writing for awsQuery and restXml responses. Values: string, number, boolean, bigint, Date
 * (ISO 8601), arrays (each item wrapped in `<member>` unless a custom item name is given with
 * {@link xmlList}), nested objects, `undefined` (omitted).
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for XML element content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const LIST = Symbol('xmlList');

/** A list whose items are written as `<itemName>` (flattened when `flat` — no wrapper, as S3 does). */
export interface XmlList {
  readonly [LIST]: true;
  readonly itemName: string;
  readonly items: readonly unknown[];
  readonly flat: boolean;
}

/** Marks `items` to be written as repeated `<itemName>` elements; `flat` omits the wrapping element. */
export function xmlList(itemName: string, items: readonly unknown[], flat = false): XmlList {
  return { [LIST]: true, itemName, items, flat };
}

function isXmlList(value: unknown): value is XmlList {
  return typeof value === 'object' && value !== null && LIST in value;
}

/** Writes `value` as the content of an element (without the element itself). */
export function xmlContent(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return xmlEscape(value.toISOString());
  if (typeof value === 'string') return xmlEscape(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return value.map((item) => xmlElement('member', item)).join('');
  if (isXmlList(value)) return value.items.map((item) => xmlElement(value.itemName, item)).join('');
  if (typeof value === 'object') {
    let out = '';
    for (const [name, child] of Object.entries(value)) {
      if (child === undefined) continue;
      if (isXmlList(child) && child.flat) out += xmlContent(child);
      else out += xmlElement(name, child);
    }
    return out;
  }
  return xmlEscape(String(value));
}

/** Writes `<name attrs>value</name>`. */
export function xmlElement(name: string, value: unknown, attributes: Record<string, string> = {}): string {
  let attrs = '';
  for (const [key, attr] of Object.entries(attributes)) attrs += ` ${key}="${xmlEscape(attr)}"`;
  return `<${name}${attrs}>${xmlContent(value)}</${name}>`;
}

/** A whole document: declaration plus root element, with an optional default namespace. */
export function xmlDocument(root: string, value: unknown, namespace?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlElement(root, value, namespace ? { xmlns: namespace } : {})}`;
}
