import { SLACK_LIMITS, escapeMrkdwn, truncate } from '../../domain/mrkdwn';
import { reportSections, type PostmortemReport, type ReportActionItem } from '../../domain/postmortem-report';
import { ACTION_IDS } from '../ids';

const plain = (text: string) => ({ type: 'plain_text' as const, text });

function actionItemLine(item: ReportActionItem, index: number): string {
  const due = item.dueAt ? `due ${item.dueAt.toISOString().slice(0, 10)}` : 'no due date';
  const owner = item.ownerId ? `<@${item.ownerId}>` : 'no owner';
  return `${index + 1}. ${escapeMrkdwn(item.title)} (${owner}, ${due}, ${item.priority}, ${item.state.replace('_', ' ')})`;
}

function section(heading: string, body: string) {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(`*${heading}*\n${body}`, SLACK_LIMITS.sectionText) },
  };
}

/**
 * The postmortem as posted in the incident channel: every section of the report (owners as
 * mentions), and buttons to edit it and to publish it (again).
 */
export function postmortemMessage(
  report: PostmortemReport,
  options: { incidentId: string; timeZone: string; pageUrl: string | null; canPublish: boolean },
): { text: string; blocks: object[] } {
  const state = report.published ? 'published' : 'draft';
  const text = `${report.incidentKey} postmortem (${state}): ${report.title}`;
  const sections = reportSections(
    { ...report, actionItems: [] },
    {
      timeZone: options.timeZone,
      audience: 'internal',
    },
  ).map((s) => section(s.heading, escapeMrkdwn(s.body)));
  const items = report.actionItems.map(actionItemLine).join('\n');
  if (items) sections.splice(Math.min(sections.length, 6), 0, section('Action Items', items));
  const buttons = [
    {
      type: 'button',
      text: plain('Edit postmortem'),
      action_id: ACTION_IDS.editPostmortem,
      value: options.incidentId,
    },
    ...(options.canPublish
      ? [
          {
            type: 'button',
            text: plain(report.published ? 'Publish again' : 'Publish'),
            action_id: ACTION_IDS.publishPostmortem,
            value: options.incidentId,
            style: 'primary',
          },
        ]
      : []),
  ];
  return {
    text: truncate(escapeMrkdwn(text), SLACK_LIMITS.messageText),
    blocks: [
      { type: 'header', text: plain(truncate(text, SLACK_LIMITS.headerText)) },
      ...sections,
      ...(options.pageUrl
        ? [
            {
              type: 'context',
              elements: [
                {
                  type: 'mrkdwn',
                  text: `On the status page: <${options.pageUrl}|${escapeMrkdwn(options.pageUrl)}>`,
                },
              ],
            },
          ]
        : []),
      { type: 'actions', elements: buttons },
    ],
  };
}
