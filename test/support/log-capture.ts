import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logging/logger';

export interface CapturedLog {
  logger: Logger;
  lines: string[];
  entries(): Record<string, unknown>[];
  text(): string;
}

/** A real pino logger writing to memory, so tests can read exactly what would reach stdout. */
export function captureLogs(options: { secrets?: string[]; level?: string } = {}): CapturedLog {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level: options.level ?? 'debug', secrets: options.secrets, destination });
  return {
    logger,
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => lines.join('\n'),
  };
}
