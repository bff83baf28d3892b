import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

/** Structured JSON logs on stderr, so stdout stays free for command output (bench JSON lines). */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}
