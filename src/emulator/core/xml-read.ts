/**
 * A strict, small XML reader for restXml request bodies (S3 `DeleteObjects`, tagging…): elements, text,
 * CDATA, comments, the five predefined entities and numeric references. DOCTYPE and custom entities are
 * refused, so no entity expansion or external fetch can happen. Attributes are read and dropped.
 */

/** A body that is not well-formed XML; the front answers `MalformedXML`. */
export class XmlReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlReadError';
  }
}

/** An element's value: its text when it has no children, else its children by name (repeats as arrays). */
export type XmlValue = string | { [name: string]: XmlValue | XmlValue[] };

const MAX_DEPTH = 32;
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (_, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref.startsWith('#x')
        ? Number.parseInt(ref.slice(2), 16)
        : Number.parseInt(ref.slice(1), 10);
      if (!(code > 0 && code <= 0x10ffff)) throw new XmlReadError(`Invalid character reference &${ref};.`);
      return String.fromCodePoint(code);
    }
    const value = PREDEFINED[ref];
    if (value === undefined) throw new XmlReadError(`Unknown entity &${ref};.`);
    return value;
  });
}

interface Frame {
  name: string;
  children: Record<string, XmlValue | XmlValue[]>;
  hasChildren: boolean;
  text: string;
}

function addChild(frame: Frame, name: string, value: XmlValue): void {
  if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
    throw new XmlReadError('Forbidden element name.');
  }
  const existing = frame.children[name];
  if (existing === undefined) frame.children[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else frame.children[name] = [existing, value];
  frame.hasChildren = true;
}

/**
 * Reads a whole document into `{ [rootName]: value }`.
 *
 * @throws XmlReadError when the document is not well-formed or uses DOCTYPE / unknown entities.
 */
export function readXml(text: string): Record<string, XmlValue> {
  let i = 0;
  const stack: Frame[] = [];
  let result: Record<string, XmlValue> | undefined;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  skipSpace();
  if (text.startsWith('<?xml', i)) {
    const end = text.indexOf('?>', i);
    if (end < 0) throw new XmlReadError('Unterminated XML declaration.');
    i = end + 2;
  }
  while (i < text.length) {
    const top = stack[stack.length - 1];
    if (text[i] !== '<') {
      const next = text.indexOf('<', i);
      const chunk = text.slice(i, next < 0 ? text.length : next);
      if (!top) {
        if (chunk.trim().length > 0) throw new XmlReadError('Text outside the root element.');
      } else {
        if (chunk.includes('&') || chunk.includes('>')) top.text += decodeText(chunk);
        else top.text += chunk;
      }
      i = next < 0 ? text.length : next;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) throw new XmlReadError('Unterminated comment.');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      if (!top) throw new XmlReadError('CDATA outside the root element.');
      const end = text.indexOf(']]>', i + 9);
      if (end < 0) throw new XmlReadError('Unterminated CDATA section.');
      top.text += text.slice(i + 9, end);
      i = end + 3;
      continue;
    }
    if (text.startsWith('<!', i) || text.startsWith('<?', i)) {
      throw new XmlReadError('DOCTYPE and processing instructions are not allowed.');
    }
    if (text.startsWith('</', i)) {
      const name = NAME.exec(text.slice(i + 2, i + 2 + 256))?.[0];
      const end = text.indexOf('>', i);
      if (!name || !top || top.name !== name || end < 0 || text.slice(i + 2 + name.length, end).trim()) {
        throw new XmlReadError('Mismatched closing tag.');
      }
      stack.pop();
      const value: XmlValue = top.hasChildren ? top.children : top.text;
      const parent = stack[stack.length - 1];
      if (parent) addChild(parent, name, value);
      else result = { [name]: value };
      i = end + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1, i + 1 + 256))?.[0];
    const end = text.indexOf('>', i);
    if (!name || end < 0) throw new XmlReadError('Malformed start tag.');
    if (result !== undefined) throw new XmlReadError('More than one root element.');
    const attrs = text.slice(i + 1 + name.length, end);
    const selfClosing = attrs.endsWith('/');
    if (!/^(\s+[A-Za-z_][A-Za-z0-9_.:-]*\s*=\s*("[^"<]*"|'[^'<]*'))*\s*\/?$/.test(attrs)) {
      throw new XmlReadError('Malformed attributes.');
    }
    if (stack.length >= MAX_DEPTH) throw new XmlReadError('XML nested too deeply.');
    if (selfClosing) {
      if (top) addChild(top, name, '');
      else result = { [name]: '' };
    } else {
      stack.push({ name, children: {}, hasChildren: false, text: '' });
    }
    i = end + 1;
  }
  if (stack.length > 0 || result === undefined) throw new XmlReadError('The XML document is incomplete.');
  return result;
}
