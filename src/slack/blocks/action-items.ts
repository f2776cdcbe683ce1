import { dueDateText } from '../../domain/due-date';
import { escapeMrkdwn, truncate, userMention } from '../../domain/mrkdwn';
import type { ReminderKind } from '../../domain/reminder-schedule';
import { ACTION_IDS } from '../ids';

export interface ActionItemLine {
  id: string;
  title: string;
  ownerId: string;
  dueAt: Date | null;
  priority: 'HIGH' | 'MEDIUM' | 'LOW';
  state: string;
  incidentKey: string;
  /** Private incidents' item titles are not shown to people outside them. */
  hidden?: boolean;
}

const PRIORITY_LABEL = { HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' } as const;
const TITLE_MAX = 250;

export const itemTitle = (item: Pick<ActionItemLine, 'title' | 'hidden'>): string =>
  item.hidden ? '_(private incident)_' : escapeMrkdwn(truncate(item.title, TITLE_MAX));

export function itemLine(item: ActionItemLine, withOwner = true): string {
  const due = item.dueAt ? `due ${dueDateText(item.dueAt)}` : 'no due date';
  const owner = withOwner ? ` · ${userMention(item.ownerId)}` : '';
  const done = item.state === 'DONE' ? ' ~done~' : '';
  return `• *${item.incidentKey}* ${itemTitle(item)}${owner} · ${due} · ${PRIORITY_LABEL[item.priority]}${done}`;
}

const HEADLINE: Record<ReminderKind, string> = {
  before: 'Coming up',
  due: 'Due today',
  overdue: 'Overdue',
};

/** The buttons an owner uses: Done, Snooze 1 day, Snooze 1 week, Edit. */
export function actionItemButtons(itemId: string) {
  const button = (actionId: string, text: string, style?: 'primary') => ({
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text },
    value: itemId,
    ...(style ? { style } : {}),
  });
  return {
    type: 'actions',
    block_id: `action_item_${itemId}`,
    elements: [
      button(ACTION_IDS.actionItemDone, 'Done', 'primary'),
      button(ACTION_IDS.actionItemSnoozeDay, 'Snooze 1 day'),
      button(ACTION_IDS.actionItemSnoozeWeek, 'Snooze 1 week'),
      button(ACTION_IDS.actionItemEdit, 'Edit'),
    ],
  };
}

/** The DM to an owner. */
export function reminderMessage(item: ActionItemLine, kind: ReminderKind, overdueNumber: number) {
  const extra = kind === 'overdue' && overdueNumber > 1 ? ` (reminder ${overdueNumber})` : '';
  const text = `${HEADLINE[kind]}${extra}: your action item from ${item.incidentKey}: ${itemTitle(item)}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: itemLine(item, false) }] },
      actionItemButtons(item.id),
    ],
  };
}

/** To the owner's manager (DM) or the team channel, once the owner has not reacted. */
export function escalationMessage(item: ActionItemLine, overdueReminders: number) {
  const text = `Overdue action item: ${userMention(item.ownerId)} has had ${overdueReminders} overdue reminder(s) for ${item.incidentKey}: ${itemTitle(item)}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: itemLine(item) }] },
    ],
  };
}

/** What replaces the reminder's buttons after a click. */
export function reminderOutcome(item: ActionItemLine, outcome: string) {
  const text = `${outcome}: ${item.incidentKey}: ${itemTitle(item)}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

const MAX_LINES = 50;

function lines(items: ActionItemLine[], withOwner = true): string[] {
  const shown = items.slice(0, MAX_LINES).map((item) => itemLine(item, withOwner));
  if (items.length > MAX_LINES) shown.push(`_…and ${items.length - MAX_LINES} more_`);
  return shown;
}

/** `/incident actions` in an incident channel, or elsewhere (the caller's own open items). */
export function renderActionItemList(heading: string, items: ActionItemLine[], empty: string): string {
  return items.length === 0 ? empty : [`*${heading}*`, ...lines(items)].join('\n');
}

/** `/incident actions overdue`: the same items by owner, then by incident. */
export function renderOverdueView(items: ActionItemLine[]): string {
  if (items.length === 0) return 'No overdue action items. :tada:';
  const group = (key: (item: ActionItemLine) => string) => {
    const groups = new Map<string, ActionItemLine[]>();
    for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
    return [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  };
  const byOwner = group((item) => item.ownerId).map(
    ([owner, owned]) => `• ${userMention(owner)}: ${owned.length} overdue`,
  );
  const byIncident = group((item) => item.incidentKey).flatMap(([key, of]) => [
    `*${key}* (${of.length})`,
    ...lines(of),
  ]);
  const cut = (list: string[]) => list.slice(0, MAX_LINES);
  return [
    `*Overdue action items: ${items.length}*`,
    '*By owner*',
    ...cut(byOwner),
    '*By incident*',
    ...cut(byIncident),
  ].join('\n');
}

export function renderDigest(
  counts: { team: string; open: number; overdue: number; closedOnTime: number; closedLate: number }[],
) {
  const header = '*Weekly action item digest* (closed = in the last 7 days)';
  const rows = counts.map(
    (c) =>
      `• *${c.team.startsWith('Reports to <@') ? c.team : escapeMrkdwn(c.team)}*: ${c.open} open, ${c.overdue} overdue, ${c.closedOnTime} closed on time, ${c.closedLate} closed late`,
  );
  const text = [header, ...(rows.length > 0 ? rows.slice(0, MAX_LINES) : ['No action items.'])].join('\n');
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } }] };
}
