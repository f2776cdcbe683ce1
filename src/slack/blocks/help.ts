import { COMMAND_USAGE } from '../../domain/command-parser';
import { escapeMrkdwn } from '../../domain/mrkdwn';
import { ACTION_IDS } from '../ids';

const LINES: [keyof typeof COMMAND_USAGE, string][] = [
  ['declare', 'declare an incident (opens a form)'],
  ['update', 'post an update: stage, public message, internal note, impact'],
  ['status', 'move to a stage without the form'],
  ['resolve', 'resolve the incident'],
  ['severity', 'change the severity'],
  ['lead', 'hand the lead to someone'],
  ['role', 'assign a role'],
  ['timeline', 'show the timeline in your time zone'],
  ['list', 'open incidents, newest first'],
  ['postmortem', 'write the postmortem (form), publish it, or export it as markdown'],
  ['stats', 'median response times per severity'],
  ['action', 'add an action item to this incident (opens a form)'],
  ['actions', 'action items: this incident’s, else yours; `overdue`: everyone’s overdue ones'],
  ['help', 'this help'],
];

export function renderHelp(): { text: string; blocks: object[] } {
  const text = `*Sitrep* runs incidents in Slack.\n${LINES.map(([kind, what]) => `• \`${escapeMrkdwn(COMMAND_USAGE[kind])}\`: ${what}`).join('\n')}\nStage, severity, role and timeline commands work inside an incident channel.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Declare incident' },
            action_id: ACTION_IDS.openDeclareModal,
            style: 'danger',
          },
        ],
      },
    ],
  };
}
