/** A real pino logger at debug level writing JSON lines into memory, for tests that read what was logged. */
import { pino } from 'pino';

/** One parsed pino record: `level` (20 debug, 30 info, 40 warn, 50 error), `msg`, and the fields. */
export type PinoRecord = Record<string, unknown> & { readonly level: number; readonly msg?: string };

export function capturePino() {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug', base: null, timestamp: false },
    { write: (s: string) => lines.push(s) },
  );
  return {
    logger,
    lines,
    records: (): PinoRecord[] => lines.map((l) => JSON.parse(l) as PinoRecord),
  };
}
