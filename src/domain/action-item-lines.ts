import { truncate } from './mrkdwn';

export const ACTION_ITEM_PRIORITIES = ['high', 'medium', 'low'] as const;
export type ActionItemPriorityName = (typeof ACTION_ITEM_PRIORITIES)[number];

export const ACTION_ITEM_TITLE_MAX = 250;
export const ACTION_ITEM_LINE_FORMAT = 'title | @owner | YYYY-MM-DD | high|medium|low';

export interface ActionItemLine {
  /** 1-based line number in what was typed, for error messages. */
  line: number;
  title: string;
  ownerId: string;
  /** The due day as typed (`YYYY-MM-DD`), or null when left out. */
  dueDate: string | null;
  priority: ActionItemPriorityName;
}

export type ActionItemLinesResult =
  { ok: true; items: ActionItemLine[] } | { ok: false; errors: { line: number; error: string }[] };

/**
 * An owner as it can arrive from a modal's text field: Slack's `<@U123>` / `<@U123|name>` markup,
 * `@U123`, or the bare id. A display name (`@alex`) cannot be resolved without a lookup.
 */
export function parseOwner(text: string): string | undefined {
  const match = /^(?:<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>|@?([UW][A-Z0-9]{2,}))$/.exec(text.trim());
  return match?.[1] ?? match?.[2];
}

function isRealDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Splits on `|`, except inside Slack markup: `<@U1|alex>` is one owner, not two parts. */
function splitParts(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (const char of text) {
    if (char === '<') depth += 1;
    else if (char === '>' && depth > 0) depth -= 1;
    if (char === '|' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  return [...parts, current.trim()];
}

function parseLine(text: string, line: number, today: string): ActionItemLine | string {
  const parts = splitParts(text);
  const [title = '', owner = '', due = '', priorityWord = '', ...extra] = parts;
  if (extra.length > 0) return `too many "|"-separated parts; write ${ACTION_ITEM_LINE_FORMAT}`;
  if (!title) return `the title is missing; write ${ACTION_ITEM_LINE_FORMAT}`;
  if (title.length > ACTION_ITEM_TITLE_MAX) return `keep the title under ${ACTION_ITEM_TITLE_MAX} characters`;
  if (!owner) return `say who owns "${truncate(title, 30)}": add | @owner`;
  const ownerId = parseOwner(owner);
  if (!ownerId)
    return `"${truncate(owner, 30)}" is not a Slack user; mention them as @name or give their U… id`;
  let dueDate: string | null = null;
  if (due) {
    if (!isRealDate(due)) return `"${truncate(due, 30)}" is not a date; write YYYY-MM-DD, e.g. 2026-03-01`;
    if (due < today) return `the due date ${due} is in the past (today is ${today})`;
    dueDate = due;
  }
  const priority = priorityWord.toLowerCase() || 'medium';
  if (!(ACTION_ITEM_PRIORITIES as readonly string[]).includes(priority))
    return `unknown priority "${truncate(priorityWord, 30)}"; use high, medium or low`;
  return { line, title, ownerId, dueDate, priority: priority as ActionItemPriorityName };
}

/**
 * Parses "New action items": one per line, `title | @owner | YYYY-MM-DD | priority`; the date and
 * the priority (medium) may be left out, blank lines are skipped. `today` (`YYYY-MM-DD`) is the
 * earliest due date accepted. Every bad line is reported, with its number.
 */
export function parseActionItemLines(text: string, today: string): ActionItemLinesResult {
  const items: ActionItemLine[] = [];
  const errors: { line: number; error: string }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    const parsed = parseLine(raw.trim(), index + 1, today);
    if (typeof parsed === 'string') errors.push({ line: index + 1, error: parsed });
    else items.push(parsed);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, items };
}

/** One field error for the whole input (Slack shows one message per field). */
export function describeLineErrors(errors: { line: number; error: string }[], max = 1000): string {
  return truncate(errors.map((e) => `Line ${e.line}: ${e.error}.`).join(' '), max);
}
