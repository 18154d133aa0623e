/**
 * Strings of any Unicode scalar value for property tests. fast-check's `unit: 'binary'` draws the same
 * values, but its first use in a process builds a reverse table of all 1.1 million code points (about
 * 1 s of CPU); this draws an integer and maps it, skipping the surrogate range.
 */
import fc from 'fast-check';

const SURROGATES = 0x800;
const FIRST_SURROGATE = 0xd800;

/** The largest index {@link scalarAt} takes: the count of Unicode scalar values less one. */
export const LAST_SCALAR_INDEX = 0x10ffff - SURROGATES;

/**
 * The `n`th Unicode scalar value (0 ≤ n ≤ {@link LAST_SCALAR_INDEX}), as a string: indexes from the first
 * surrogate on move up by 0x800, past the surrogates.
 */
export function scalarAt(n: number): string {
  return String.fromCodePoint(n >= FIRST_SURROGATE ? n + SURROGATES : n);
}

/** One Unicode scalar value (U+0000–U+10FFFF without the surrogates), as a string. */
export const codePoint: fc.Arbitrary<string> = fc.integer({ min: 0, max: LAST_SCALAR_INDEX }).map(scalarAt);

/** A string of {@link codePoint}s; `maxLength` and `minLength` count code points. */
export function codePointString(
  constraints: { minLength?: number; maxLength?: number } = {},
): fc.Arbitrary<string> {
  return fc.string({ ...constraints, unit: codePoint });
}

/** `fc.jsonValue` with its strings drawn from {@link codePoint} (fast-check's default is `unit: 'binary'`). */
export function anyJsonValue(constraints: fc.JsonSharedConstraints = {}): fc.Arbitrary<fc.JsonValue> {
  return fc.jsonValue({ ...constraints, stringUnit: codePoint });
}

/** `fc.json` (a JSON text) with its strings drawn from {@link codePoint}, as {@link anyJsonValue}. */
export function anyJsonText(constraints: fc.JsonSharedConstraints = {}): fc.Arbitrary<string> {
  return fc.json({ ...constraints, stringUnit: codePoint });
}
