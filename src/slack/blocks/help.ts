import { SLASH_COMMANDS } from '../ids';

const command = SLASH_COMMANDS.incident.command;

/** The subcommands this build understands; docs/slack.md lists the same. */
export const HELP_LINES = [`\`${command}\` or \`${command} help\`: show this help`];

export function renderHelp(): { text: string; blocks: object[] } {
  const text = `*Sitrep* runs incidents in Slack.\n${HELP_LINES.map((line) => `• ${line}`).join('\n')}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
