/*
 * Diagnostics (AVC denials, driver restarts, warnings) as structured JSON
 * lines through pino, with no wall-clock or host fields.
 *   createDiagnosticLogger(dest?)  a pino logger; stderr by default
 */
import pino, { type Logger } from 'pino';

export function createDiagnosticLogger(dest: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } }, dest);
}
