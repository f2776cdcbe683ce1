import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const REDACTED = '[redacted]';

/** Field names whose values are secrets wherever they appear in a log object. */
const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
  'cookie',
  '*.cookie',
];

function escapeForRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * JSON logs with two layers against leaking secrets: known secret fields are redacted by
 * name, and every configured secret value (tokens, signing secret, passwords in URLs) is
 * scrubbed from the finished line, wherever it hides (error messages, URLs, nested data).
 */
export function createLogger(options: {
  level: string;
  secrets?: string[];
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}): Logger {
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 4);
  const scrub =
    secrets.length > 0
      ? new RegExp(
          secrets
            .flatMap((secret) => [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])
            .map(escapeForRegExp)
            .join('|'),
          'g',
        )
      : undefined;
  const pinoOptions: pino.LoggerOptions = {
    level: options.level,
    base: { service: 'sitrep', ...options.base },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...(scrub ? { hooks: { streamWrite: (line: string) => line.replace(scrub, REDACTED) } } : {}),
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
