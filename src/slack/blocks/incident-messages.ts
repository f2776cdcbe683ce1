import { escapeMrkdwn, SLACK_LIMITS, truncate } from '../../domain/mrkdwn';
import { ROLE_LABELS, type IncidentRoleName } from '../../domain/roles';
import { SEVERITY_INFO } from '../../domain/severity';
import { STAGE_LABELS, type Stage } from '../../domain/stages';
import { slackDate } from '../../domain/time-format';
import { ACTION_IDS } from '../ids';
import type { IncidentView } from './incident-view';

export interface SlackMessage {
  text: string;
  blocks: object[];
}

const section = (text: string) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) },
});
const safe = (text: string, max: number) => truncate(escapeMrkdwn(text), max);

function componentsLine(view: IncidentView): string {
  if (view.components.length === 0) return '_none recorded_';
  return view.components
    .map(
      (c) =>
        `${escapeMrkdwn(c.name)}${c.group ? ` (${escapeMrkdwn(c.group)})` : ''}: ${c.impact.toLowerCase().replace(/_/g, ' ')}`,
    )
    .join('\n');
}

function stageTimesLine(view: IncidentView): string {
  const reached: [string, Date | null][] = [
    ['Declared', view.times.declaredAt],
    ['Identified', view.times.identifiedAt],
    ['Monitoring', view.times.monitoringAt],
    ['Resolved', view.times.resolvedAt],
  ];
  return reached
    .filter((entry): entry is [string, Date] => entry[1] !== null)
    .map(([label, at]) => `${label} ${slackDate(at, at.toISOString())}`)
    .join(' · ');
}

/** The summary card pinned in the incident channel; refreshed with chat.update on every change. */
export function renderIncidentCard(view: IncidentView): SlackMessage {
  const roles = (Object.entries(view.roles) as [IncidentRoleName, string][])
    .map(([role, userId]) => `*${ROLE_LABELS[role]}:* <@${userId}>`)
    .join('\n');
  const header = truncate(`${view.key}: ${view.title}`, SLACK_LIMITS.headerText);
  return {
    text: `${view.key} ${STAGE_LABELS[view.stage]} (${view.severity}): ${safe(view.title, 300)}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: header, emoji: true } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Stage*\n${STAGE_LABELS[view.stage]}` },
          { type: 'mrkdwn', text: `*Severity*\n${view.severity}: ${SEVERITY_INFO[view.severity].label}` },
          { type: 'mrkdwn', text: roles || '*Incident lead*\n_unassigned_' },
          { type: 'mrkdwn', text: `*Visibility*\n${view.isPrivate ? 'Private' : 'Public'}` },
        ],
      },
      ...(view.summary ? [section(`*Summary*\n${safe(view.summary, 2900)}`)] : []),
      section(`*Affected components*\n${truncate(componentsLine(view), 2900)}`),
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: stageTimesLine(view) },
          ...(view.statusPageUrl ? [{ type: 'mrkdwn', text: `<${view.statusPageUrl}|Status page>` }] : []),
        ],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Post update' },
            action_id: ACTION_IDS.openUpdateModal,
            value: view.id,
            style: 'primary',
          },
        ],
      },
    ],
  };
}

/** Posted for channel watchers in the announcements channel; updates are threaded under it. */
export function renderAnnouncement(view: IncidentView, declaredById: string): SlackMessage {
  const channel = view.channelId ? ` Follow along in <#${view.channelId}>.` : '';
  const text = `:rotating_light: *${view.key}* (${view.severity}) declared by <@${declaredById}>: ${safe(view.title, 500)}.${channel}`;
  return {
    text,
    blocks: [section(text), section(`*Stage:* ${STAGE_LABELS[view.stage]} · *Severity:* ${view.severity}`)],
  };
}

export function renderUpdateMessage(
  view: IncidentView,
  update: { stage: Stage; publicMessage: string; internalNote: string | null; authorId: string },
  options: { includeInternalNote: boolean },
): SlackMessage {
  const heading = `*${view.key} · ${STAGE_LABELS[update.stage]}* (update by <@${update.authorId}>)`;
  const body = safe(update.publicMessage, 2500);
  const blocks: object[] = [section(`${heading}\n${body}`)];
  if (options.includeInternalNote && update.internalNote) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncate(`:lock: Internal note: ${escapeMrkdwn(update.internalNote)}`, 2900),
        },
      ],
    });
  }
  return {
    text: `${view.key} ${STAGE_LABELS[update.stage]}: ${truncate(escapeMrkdwn(update.publicMessage), 3000)}`,
    blocks,
  };
}

/** Slack allows 50 blocks in a message; one is the heading. */
const MERGED_UPDATES_MAX = 49;

/**
 * Several updates in one thread reply, oldest first (public messages only), when the
 * announcements channel is too busy for one reply each. Past Slack's block limit the oldest are
 * summarised by count: each was posted in full in the incident channel.
 */
export function renderMergedUpdates(
  view: IncidentView,
  updates: { stage: Stage; publicMessage: string; authorId: string }[],
): SlackMessage {
  const shown = updates.slice(-MERGED_UPDATES_MAX + 1);
  const omitted = updates.length - shown.length;
  const latest = updates[updates.length - 1]!;
  const heading =
    `*${view.key} · ${updates.length} updates*` +
    (omitted > 0 ? ` (the ${omitted} oldest are in the incident channel)` : '');
  return {
    text: `${view.key} ${STAGE_LABELS[latest.stage]} (${updates.length} updates): ${truncate(escapeMrkdwn(latest.publicMessage), 2900)}`,
    blocks: [
      section(heading),
      ...shown.map((u) =>
        section(`*${STAGE_LABELS[u.stage]}* (update by <@${u.authorId}>)\n${safe(u.publicMessage, 2500)}`),
      ),
    ],
  };
}

/** Severity and role changes, announced in the incident channel. Timeline text is already safe. */
export function renderChangeMessage(
  view: IncidentView,
  change: { text: string; actorId: string | null },
): SlackMessage {
  const by = change.actorId ? ` (by <@${change.actorId}>)` : '';
  const text = `*${view.key}:* ${truncate(change.text, 2800)}${by}`;
  return { text, blocks: [section(text)] };
}
