import { pino, type Logger } from "pino";

/**
 * Paths whose values never reach a log line: personal data, documents and secrets. Upstream bodies
 * use the Italian names, our own objects the English ones; both are listed.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "headers.authorization",
  "authorization",
  "*.apiKey",
  "*.token",
  "*.taxCode",
  "*.codice_fiscale",
  "*.*.codice_fiscale",
  "*.numero_documento",
  "*.*.numero_documento",
  "*.documentNumber",
  "*.*.documentNumber",
  "*.pin",
  "*.puk",
  "*.codice_emergenza",
  "*.modulo",
  "*.documento",
];

/**
 * The process logger: JSON lines, with personal data and secrets redacted everywhere. Written to
 * stdout asynchronously (buffered, flushed by pino at exit), so a log line never blocks a request.
 */
export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, pino.destination({ dest: 1, sync: false }));
}
