import dayjs from 'dayjs';
import advancedFormat from 'dayjs/plugin/advancedFormat';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { escapeMrkdwn } from './mrkdwn';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(advancedFormat);

/** True when Intl knows the IANA zone name, so config can refuse a typo instead of failing later. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone.length > 0;
  } catch {
    return false;
  }
}

function inZone(date: Date, timeZone: string): dayjs.Dayjs {
  if (Number.isNaN(date.getTime())) throw new RangeError('Cannot format an invalid Date');
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone "${timeZone}"`);
  // Month and day names follow the global Dayjs locale; pin English so that a locale change
  // elsewhere cannot alter the status-page format. (The plugin always names zones in en-US.)
  return dayjs(date).locale('en').tz(timeZone);
}

/**
 * dayjs's timezone plugin builds new Intl formatters on every call (about 0.2 ms), and a status
 * page render formats the same few hundred timestamps again after every change. The results never
 * change for a given instant, zone and pattern, so they are remembered (bounded).
 */
const formatted = new Map<string, string>();
const MAX_REMEMBERED = 50_000;

function formatIn(date: Date, timeZone: string, pattern: string): string {
  const key = `${pattern}|${timeZone}|${date.getTime()}`;
  const known = formatted.get(key);
  if (known !== undefined) return known;
  const text = inZone(date, timeZone).format(pattern);
  if (formatted.size >= MAX_REMEMBERED) formatted.clear();
  formatted.set(key, text);
  return text;
}

/** Statuspage's "Posted" format, e.g. `Feb 13, 2026 - 02:21 PST`. */
export function formatPosted(date: Date, timeZone: string): string {
  return formatIn(date, timeZone, 'MMM D, YYYY - HH:mm z');
}

/** A timeline entry for a reader in their own zone, e.g. `Thu, Feb 12, 2026 23:15 PST`. */
export function formatFull(date: Date, timeZone: string): string {
  return formatIn(date, timeZone, 'ddd, MMM D, YYYY HH:mm z');
}

/**
 * Slack renders `<!date^…>` in each reader's own time zone; the fallback is shown by clients that
 * cannot (notifications, old apps), so it is escaped like any other text.
 */
export function slackDate(date: Date, fallback: string): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Cannot format an invalid Date');
  const epoch = Math.floor(date.getTime() / 1000);
  return `<!date^${epoch}^{date_short_pretty} {time}|${escapeMrkdwn(fallback)}>`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The two largest non-zero units, rounded down: `2d 1h`, `3h 30m`, `45m`; `0m` under a minute.
 * Negative durations (clock skew between hosts) read as `0m` rather than as nonsense.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatDuration: ${ms} is not a duration`);
  const total = Math.max(0, ms);
  const days = Math.floor(total / DAY);
  const hours = Math.floor((total % DAY) / HOUR);
  const minutes = Math.floor((total % HOUR) / MINUTE);
  const parts =
    days > 0
      ? [`${days}d`, hours > 0 ? `${hours}h` : '']
      : hours > 0
        ? [`${hours}h`, minutes > 0 ? `${minutes}m` : '']
        : [`${minutes}m`];
  return parts.filter(Boolean).join(' ');
}

/** The seed report's impact window style, e.g. `February 12, 11:30 PM PST`. */
export function formatReportTime(date: Date, timeZone: string): string {
  return formatIn(date, timeZone, 'MMMM D, h:mm A z');
}

/**
 * A duration as a report says it: `45 minutes`, `1 hour`, `3.5 hours` (to the nearest half hour),
 * `2.5 days` from two days on; `less than a minute` under one.
 */
export function formatApproximateDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatApproximateDuration: ${ms} is not a duration`);
  const total = Math.max(0, ms);
  if (total < MINUTE) return 'less than a minute';
  if (total < HOUR) {
    const minutes = Math.floor(total / MINUTE);
    return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  }
  const [unit, size] = total < 2 * DAY ? ['hour', HOUR] : ['day', DAY];
  const halves = Math.max(2, Math.round((total / size) * 2));
  const amount = halves / 2;
  return amount === 1 ? `1 ${unit}` : `${amount} ${unit}s`;
}
