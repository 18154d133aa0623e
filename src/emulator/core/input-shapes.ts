/**
 * The model type check of JSON inputs: a top-level member whose JSON type is not the one the service
 * model declares (a string for an integer, a string for a list…) is what AWS answers with its
 * serialization error, before any validation of values.
 */
import type { JsonMemberType } from './types.js';

function typeOf(value: unknown): JsonMemberType | 'number' | 'null' | 'array' | 'object' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'object':
      return 'object';
    default:
      return 'other';
  }
}

function fits(expected: JsonMemberType, value: unknown): boolean {
  const actual = typeOf(value);
  switch (expected) {
    case 'integer':
      return actual === 'number' && Number.isInteger(value);
    case 'list':
      return actual === 'array';
    case 'structure':
    case 'map':
      return actual === 'object';
    default:
      return actual === expected;
  }
}

/**
 * The message for the first member of `input` whose JSON type is not the declared one; undefined when
 * every declared member present fits (`null` counts as absent, as the SDKs treat it).
 */
export function mistypedMember(
  shape: Readonly<Record<string, JsonMemberType>> | undefined,
  input: Readonly<Record<string, unknown>>,
): string | undefined {
  if (shape === undefined) return undefined;
  for (const [member, expected] of Object.entries(shape)) {
    if (!Object.hasOwn(input, member)) continue;
    const value = input[member];
    if (value === null || fits(expected, value)) continue;
    return `Unexpected value type for ${member}: expected ${expected === 'structure' ? 'a structure' : `a ${expected}`}, got ${typeOf(value)}.`;
  }
  return undefined;
}
