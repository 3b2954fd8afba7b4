/**
 * How bus adapters log. A plain function, so the bus library depends on no logging library:
 * an application passes `(level, message, fields) => logger[level](message, fields)`.
 */
export type BusLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type BusLogFields = Readonly<Record<string, unknown>>;
export type BusLog = (level: BusLogLevel, message: string, fields?: BusLogFields) => void;

export const silentBusLog: BusLog = () => undefined;

/** The default: warnings and errors as JSON lines on stderr (the shape of @evcsms/logging). */
export const stderrBusLog: BusLog = (level, message, fields) => {
  if (level !== 'warn' && level !== 'error') return;
  const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message };
  for (const [key, value] of Object.entries(fields ?? {})) {
    entry[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  process.stderr.write(`${JSON.stringify(entry)}\n`);
};

/** An error as log fields: name and message, never a stack (one line per event). */
export function errorFields(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}
