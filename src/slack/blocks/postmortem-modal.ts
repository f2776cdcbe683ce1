import { ACTION_ITEM_LINE_FORMAT } from '../../domain/action-item-lines';
import { MEASURES, MEASURE_LABELS, type IncidentMetrics } from '../../domain/incident-metrics';
import { SLACK_LIMITS, escapeMrkdwn, truncate } from '../../domain/mrkdwn';
import type { PostmortemSections, ReportActionItem } from '../../domain/postmortem-report';
import { STAGE_LABELS, type Stage } from '../../domain/stages';
import { formatDuration, slackDate } from '../../domain/time-format';
import { INPUT_IDS, VIEW_IDS } from '../ids';

/** Slack's plain_text_input cannot hold more. */
export const POSTMORTEM_FIELD_MAX = 3000;
/** Public updates listed in the modal, newest last; older ones are on the timeline. */
const MAX_LISTED_UPDATES = 10;

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const mrkdwn = (text: string) => ({
  type: 'mrkdwn' as const,
  text: truncate(text, SLACK_LIMITS.sectionText),
});

export interface PostmortemModalInput {
  incidentId: string;
  incidentKey: string;
  /** The saved draft's version, or null before the first save (the optimistic lock). */
  version: number | null;
  values: PostmortemSections;
  stageTimes: { stage: Stage; at: Date }[];
  updates: { stage: Stage; body: string; postedAt: Date }[];
  metrics: IncidentMetrics;
  actionItems: ReportActionItem[];
  published: boolean;
}

function textInput(ids: { block: string; action: string }, label: string, value: string, hint?: string) {
  return {
    type: 'input',
    optional: true,
    block_id: ids.block,
    label: plain(label),
    ...(hint ? { hint: plain(hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: ids.action,
      multiline: true,
      max_length: POSTMORTEM_FIELD_MAX,
      ...(value ? { initial_value: truncate(value, POSTMORTEM_FIELD_MAX) } : {}),
    },
  };
}

function dateTimeInput(
  ids: { block: string; action: string },
  label: string,
  at: Date | null,
  optional: boolean,
) {
  return {
    type: 'input',
    optional,
    block_id: ids.block,
    label: plain(label),
    element: {
      type: 'datetimepicker',
      action_id: ids.action,
      ...(at ? { initial_date_time: Math.floor(at.getTime() / 1000) } : {}),
    },
  };
}

/**
 * The postmortem form, prefilled from what Sitrep knows (or the saved draft): the impact window
 * (not the declared time), the sections of the seed report, the stage times, response times and
 * public updates for reference, the action items so far, and a field for new ones.
 */
export function postmortemModal(input: PostmortemModalInput) {
  const { values } = input;
  const stages = input.stageTimes
    .map((s) => `${STAGE_LABELS[s.stage]} ${slackDate(s.at, s.at.toISOString())}`)
    .join(' · ');
  const times = MEASURES.map((m) => {
    const ms = input.metrics[m];
    return `${MEASURE_LABELS[m]}: ${ms === null ? '–' : formatDuration(ms)}`;
  }).join(' · ');
  const updates = input.updates
    .slice(-MAX_LISTED_UPDATES)
    .map(
      (u) =>
        `• *${STAGE_LABELS[u.stage]}* ${slackDate(u.postedAt, u.postedAt.toISOString())}: ${escapeMrkdwn(truncate(u.body, 300))}`,
    )
    .join('\n');
  const items = input.actionItems
    .map(
      (item, i) =>
        `${i + 1}. ${escapeMrkdwn(item.title)} (${item.ownerId ? `<@${item.ownerId}>` : 'no owner'}, ${item.dueAt ? item.dueAt.toISOString().slice(0, 10) : 'no due date'}, ${item.priority})`,
    )
    .join('\n');
  return {
    type: 'modal' as const,
    callback_id: VIEW_IDS.postmortem,
    private_metadata: JSON.stringify({ incidentId: input.incidentId, version: input.version }),
    title: plain(truncate(`Postmortem ${input.incidentKey}`, SLACK_LIMITS.modalTitle)),
    submit: plain('Save draft'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'context',
        elements: [
          mrkdwn(
            input.published
              ? 'This postmortem is *published*: saved edits show on the status page at once.'
              : 'A *draft*: nothing is public until someone presses Publish.',
          ),
        ],
      },
      ...(stages ? [{ type: 'context', elements: [mrkdwn(`*Stages* ${stages}`)] }] : []),
      { type: 'context', elements: [mrkdwn(times)] },
      ...(updates ? [{ type: 'section', text: mrkdwn(`*Public updates*\n${updates}`) }] : []),
      dateTimeInput(INPUT_IDS.pmImpactStart, 'Impact started', values.impactStartedAt, false),
      dateTimeInput(INPUT_IDS.pmImpactEnd, 'Impact ended', values.impactEndedAt, true),
      textInput(INPUT_IDS.pmSummary, 'Summary', values.summary),
      textInput(INPUT_IDS.pmRootCause, 'Root Cause', values.rootCause),
      textInput(INPUT_IDS.pmImpact, 'Impact', values.impact),
      textInput(INPUT_IDS.pmNotImpacted, 'What was not impacted?', values.notImpacted),
      textInput(INPUT_IDS.pmRemediation, 'Remediation', values.remediation),
      ...(items ? [{ type: 'section', text: mrkdwn(`*Action items*\n${items}`) }] : []),
      textInput(
        INPUT_IDS.pmActionItems,
        'New action items',
        '',
        `One per line: ${ACTION_ITEM_LINE_FORMAT}. Date and priority may be left out.`,
      ),
    ],
  };
}
