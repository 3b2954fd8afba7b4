/**
 * Structured JSON logs, one object per line, for log pipelines (Loki, ELK). Secrets never reach
 * the output: any field whose name looks like a credential is replaced before serialising.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /pass(word)?|secret|token|authori[sz]ation|api[-_]?key|cookie|private[-_]?key/i;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogSink = (line: string) => void;

export function redact(fields: LogFields): LogFields {
  const clean: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) clean[key] = '[redacted]';
    else if (value instanceof Error) clean[key] = { name: value.name, message: value.message };
    else if (value && typeof value === 'object' && !Array.isArray(value)) clean[key] = redact(value as LogFields);
    else clean[key] = value;
  }
  return clean;
}

class JsonLogger implements Logger {
  constructor(
    private readonly minimum: number,
    private readonly sink: LogSink,
    private readonly bound: LogFields,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.minimum, this.sink, { ...this.bound, ...fields });
  }

  private write(level: LogLevel, message: string, fields: LogFields | undefined): void {
    if (LEVEL_ORDER[level] < this.minimum) return;
    const entry = redact({ time: new Date().toISOString(), level, msg: message, ...this.bound, ...fields });
    this.sink(JSON.stringify(entry));
  }
}

export function createLogger(options: { level?: LogLevel; sink?: LogSink; fields?: LogFields } = {}): Logger {
  const sink = options.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  return new JsonLogger(LEVEL_ORDER[options.level ?? 'info'], sink, options.fields ?? {});
}

/** For tests and tools that want no output. */
export const silentLogger: Logger = createLogger({ sink: () => undefined, level: 'error' });

/** LOG_LEVEL, validated: a typo must fail at boot rather than silently log everything. */
export function logLevelFromEnv(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  if (value === undefined || value.trim() === '') return fallback;
  const level = value.trim().toLowerCase();
  if (level in LEVEL_ORDER) return level as LogLevel;
  throw new Error(`LOG_LEVEL: expected debug, info, warn or error, got "${value}"`);
}
