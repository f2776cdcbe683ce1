import type { App, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { incidentKey, rolesOf, stageOf } from '../../db/incident-mapping';
import { parseIncidentCommand, type ParsedCommand } from '../../domain/command-parser';
import type { IncidentCommand } from '../../domain/incident';
import { escapeMrkdwn, unescapeSlackText } from '../../domain/mrkdwn';
import { STAGE_LABELS } from '../../domain/stages';
import { applyIncidentCommand } from '../../services/apply-incident-command';
import { findIncidentByChannel, getIncidentTimeline, listOpenIncidents } from '../../services/find-incident';
import { renderHelp } from '../blocks/help';
import { renderIncidentList } from '../blocks/incident-list';
import { renderTimeline } from '../blocks/timeline';
import { renderIncidentStats } from '../blocks/incident-stats';
import { loadIncidentStats } from '../../services/incident-stats';
import { handlePostmortemCommand } from './postmortem';
import { SLASH_COMMANDS } from '../ids';
import type { ListenerDeps } from '../listener-deps';
import { handleActionItemCommand } from './action-items';
import { openDeclareModal, openModalOrExplain, openUpdateModal } from './open-modals';

/** Contract: Slack's slash command payload, as far as this listener reads it. */
const commandSchema = z.object({
  text: z.string().max(4000),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  trigger_id: z.string().min(1),
});
type Command = z.infer<typeof commandSchema>;
type Ack = SlackCommandMiddlewareArgs['ack'];

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, text });

async function readerTimeZone(client: WebClient, userId: string): Promise<string> {
  try {
    return (await client.users.info({ user: userId })).user?.tz ?? 'UTC';
  } catch {
    return 'UTC';
  }
}

function toIncidentCommand(parsed: ParsedCommand, at: Date): IncidentCommand | undefined {
  switch (parsed.kind) {
    case 'status':
      return {
        type: 'post_update',
        stage: parsed.stage,
        publicMessage: parsed.message,
        internalNote: '',
        notifySubscribers: true,
        requireStageChange: true,
        at,
      };
    case 'resolve':
      return {
        type: 'post_update',
        stage: 'resolved',
        publicMessage: parsed.message,
        internalNote: '',
        notifySubscribers: true,
        requireStageChange: true,
        at,
      };
    case 'severity':
      return { type: 'change_severity', severity: parsed.severity, at };
    case 'lead':
      return { type: 'assign_role', role: 'lead', userId: parsed.userId, at };
    case 'role':
      return { type: 'assign_role', role: parsed.role, userId: parsed.userId, at };
    default:
      return undefined;
  }
}

async function inIncidentChannel(
  deps: ListenerDeps,
  command: Command,
  parsed: ParsedCommand,
  ack: Ack,
  client: WebClient,
  respond: RespondFn,
) {
  const incident = await findIncidentByChannel(deps.prisma, command.channel_id);
  if (!incident) {
    await ack(
      ephemeral(
        `\`/incident ${parsed.kind}\` works inside an incident channel. Use \`/incident list\` to find one.`,
      ),
    );
    return;
  }
  const key = incidentKey(incident);
  if (parsed.kind === 'postmortem') {
    await ack();
    await handlePostmortemCommand(
      deps,
      {
        action: parsed.action,
        incidentId: incident.id,
        channelId: command.channel_id,
        userId: command.user_id,
        triggerId: command.trigger_id,
      },
      client,
      respond,
    );
    return;
  }
  if (parsed.kind === 'update') {
    await ack();
    await openModalOrExplain(
      () =>
        openUpdateModal(
          { prisma: deps.prisma, client },
          { triggerId: command.trigger_id, incidentId: incident.id },
        ),
      respond,
      'run the command again',
    );
    return;
  }
  if (parsed.kind === 'timeline') {
    await ack();
    const [timeZone, events] = await Promise.all([
      readerTimeZone(client, command.user_id),
      getIncidentTimeline(deps.prisma, incident.id),
    ]);
    await respond({ response_type: 'ephemeral', ...renderTimeline(key, events, timeZone) });
    return;
  }
  const incidentCommand = toIncidentCommand(parsed, deps.now());
  if (!incidentCommand) return;
  const outcome = await applyIncidentCommand(deps.prisma, incident.id, incidentCommand, {
    actorId: command.user_id,
  });
  if (!outcome.ok) {
    await ack(ephemeral(`${key}: ${outcome.error}`));
    return;
  }
  deps.enqueueOutbox(outcome.outboxIds);
  const now = outcome.incident;
  await ack(ephemeral(`Done: ${key} is ${STAGE_LABELS[stageOf(now.status)]}, ${now.severity}.`));
}

export function registerIncidentCommand(app: App, deps: ListenerDeps): void {
  app.command(SLASH_COMMANDS.incident.command, async ({ command, ack, client, respond }) => {
    const payload = commandSchema.safeParse(command);
    if (!payload.success) {
      await ack(ephemeral('Sitrep could not read that command. Please try again.'));
      return;
    }
    // Slack escapes &, < and > in command text; parse (and store) the plain text.
    const parsed = parseIncidentCommand(unescapeSlackText(payload.data.text));
    if (!parsed.ok) {
      await ack(
        ephemeral(`${escapeMrkdwn(parsed.error)}\nUsage:\n\`\`\`${escapeMrkdwn(parsed.usage)}\`\`\``),
      );
      return;
    }
    const { command: sub } = parsed;
    switch (sub.kind) {
      case 'help':
        await ack({ response_type: 'ephemeral', ...renderHelp() });
        return;
      case 'list': {
        const incidents = await listOpenIncidents(deps.prisma);
        const listed = incidents.map((i) => ({
          key: incidentKey(i),
          title: i.title,
          severity: i.severity,
          stage: stageOf(i.status),
          leadId: rolesOf(i.roles).lead ?? null,
          channelId: i.slackChannelId,
          declaredAt: i.declaredAt,
        }));
        await ack(ephemeral(renderIncidentList(listed, deps.now()).text));
        return;
      }
      case 'stats': {
        const since = new Date(deps.now().getTime() - sub.days * 24 * 3600 * 1000);
        const stats = await loadIncidentStats(deps.prisma, since, { includePrivate: true });
        await ack(ephemeral(renderIncidentStats(stats, sub.days).text));
        return;
      }
      case 'declare':
        await ack();
        await openModalOrExplain(
          () =>
            openDeclareModal(
              { prisma: deps.prisma, client },
              {
                triggerId: payload.data.trigger_id,
                title: sub.title,
                userId: payload.data.user_id,
                channelId: payload.data.channel_id,
              },
            ),
          respond,
          'run the command again',
        );
        return;
      case 'action':
      case 'actions':
        await handleActionItemCommand(deps, sub, payload.data, ack, client, respond);
        return;
      default:
        await inIncidentChannel(deps, payload.data, sub, ack, client, respond);
    }
  });
}
