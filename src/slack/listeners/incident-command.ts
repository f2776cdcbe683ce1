import type { App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { renderHelp } from '../blocks/help';
import { SLASH_COMMANDS } from '../ids';

/** Contract: Slack's slash command payload, as far as this listener reads it. */
const commandSchema = z.object({ text: z.string().max(4000), user_id: z.string().min(1) });

export function registerIncidentCommand(app: App): void {
  app.command(SLASH_COMMANDS.incident.command, async ({ command, ack }: SlackCommandMiddlewareArgs) => {
    const parsed = commandSchema.safeParse(command);
    if (!parsed.success) {
      await ack({
        response_type: 'ephemeral',
        text: 'Sitrep could not read that command. Please try again.',
      });
      return;
    }
    const [subcommand = 'help'] = parsed.data.text.trim().split(/\s+/).filter(Boolean);
    if (subcommand.toLowerCase() === 'help') {
      await ack({ response_type: 'ephemeral', ...renderHelp() });
      return;
    }
    await ack({
      response_type: 'ephemeral',
      text: `Unknown subcommand \`${subcommand.slice(0, 40).replace(/[`<>&]/g, '')}\`. Try \`${SLASH_COMMANDS.incident.command} help\`.`,
    });
  });
}
