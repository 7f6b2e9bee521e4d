/**
 * Structured logs: one JSON object per line on stderr (BULWARK_LOG_FORMAT=json), or a short human line.
 * Level from BULWARK_LOG_LEVEL (debug, info, warn, error); default warn so CLI output stays clean.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'json' | 'text';
  write?: (line: string) => void;
  fields?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const envLevel = process.env.BULWARK_LOG_LEVEL as LogLevel | undefined;
  const level = opts.level ?? (envLevel && envLevel in ORDER ? envLevel : 'warn');
  const format = opts.format ?? (process.env.BULWARK_LOG_FORMAT === 'json' ? 'json' : 'text');
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = opts.fields ?? {};
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < ORDER[level]) return;
    const all = { ...base, ...(fields ?? {}) };
    if (format === 'json') {
      write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...all }));
    } else {
      const extra = Object.entries(all)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      write(`${lvl.toUpperCase()} ${msg}${extra ? ' ' + extra : ''}`);
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ level, format, write, fields: { ...base, ...fields } }),
  };
}
