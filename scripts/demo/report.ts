/**
 * Checks and terminal output of the demo: every expectation becomes a ✓/✗ row, tables are aligned plain
 * text, and colour is added only for a terminal (CI logs stay plain).
 */

/** One checked expectation. */
export interface Check {
  /** Short name of what was checked, e.g. `athena`. */
  readonly label: string;
  /** True when the expectation held. */
  readonly ok: boolean;
  /** What was seen (never a token or key). */
  readonly detail: string;
  /** Why it failed, when it did. */
  readonly reason?: string;
  /** Rows to show under the check (first row = header). */
  readonly table?: readonly (readonly string[])[];
}

/** Where the demo writes and how. */
export interface Output {
  /** Writes one line. */
  line(text?: string): void;
  /** Adds ANSI colour. */
  readonly color: boolean;
}

/** Output to stdout, coloured only on a terminal without `NO_COLOR`. */
export function consoleOutput(): Output {
  return {
    line: (text = '') => process.stdout.write(`${text}\n`),
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  };
}

const CODES = { green: 32, red: 31, dim: 2, bold: 1, cyan: 36 } as const;

/** Wraps `text` in an ANSI colour when `out.color`. */
export function paint(out: Output, style: keyof typeof CODES, text: string): string {
  return out.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
}

/** Aligned columns, two spaces apart; the first row is a header, underlined with dashes. */
export function formatTable(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  const render = (row: readonly string[]) =>
    `${indent}${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  const [header, ...body] = rows;
  if (header === undefined) return [];
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...body.map(render)];
}

/** Prints a check row (and its table). */
export function printCheck(out: Output, check: Check): void {
  const mark = check.ok ? paint(out, 'green', '✓') : paint(out, 'red', '✗');
  const reason = check.ok || check.reason === undefined ? '' : paint(out, 'red', `  — ${check.reason}`);
  out.line(`  ${mark} ${check.label.padEnd(13)} ${check.detail}${reason}`);
  if (check.table !== undefined)
    for (const l of formatTable(check.table, '      ')) out.line(paint(out, 'dim', l));
}

/** A passed or failed check; `reason` is kept only on failure. */
export function check(
  label: string,
  ok: boolean,
  detail: string,
  reason: string,
  table?: readonly (readonly string[])[],
): Check {
  return { label, ok, detail, ...(ok ? {} : { reason }), ...(table ? { table } : {}) };
}

/** A failed check for a step that threw: the TipError code, or the error's name and message. */
export function failed(label: string, error: unknown): Check {
  return { label, ok: false, detail: 'failed', reason: describeError(error) };
}

/** `CODE: message` for a TipError-like error, else `Name: message`. */
export function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; name?: unknown; message?: unknown };
    const head = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
    return typeof e.message === 'string' ? `${head}: ${e.message}` : head;
  }
  return String(error);
}
