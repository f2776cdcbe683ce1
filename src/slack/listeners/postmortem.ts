import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma';
import { escapeMrkdwn, truncate } from '../../domain/mrkdwn';
import { renderPostmortemMarkdown } from '../../domain/postmortem-report';
import type { Stage } from '../../domain/stages';
import { loadPostmortem, type LoadedPostmortem } from '../../services/load-postmortem';
import { publishPostmortem } from '../../services/publish-postmortem';
import { incidentPageUrl } from '../../services/publish-status-update';
import { savePostmortemDraft } from '../../services/save-postmortem-draft';
import { postmortemMessage } from '../blocks/postmortem-messages';
import { postmortemModal } from '../blocks/postmortem-modal';
import { ACTION_IDS, INPUT_IDS, VIEW_IDS } from '../ids';
import type { ListenerDeps } from '../listener-deps';
import { openModalOrExplain } from './open-modals';
import { parsePostmortemSubmission, postmortemMetadataSchema } from './postmortem-values';
import { parseMetadata, viewStateSchema } from './view-values';

const incidentIdSchema = z.uuid();
const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });

function stageTimes(incident: LoadedPostmortem['incident']): { stage: Stage; at: Date }[] {
  const times: [Stage, Date | null][] = [
    ['investigating', incident.declaredAt],
    ['identified', incident.identifiedAt],
    ['monitoring', incident.monitoringAt],
    ['resolved', incident.resolvedAt],
  ];
  return times.flatMap(([stage, at]) => (at ? [{ stage, at }] : []));
}

const timeZoneOf = (deps: ListenerDeps) => deps.statusPage?.timeZone ?? 'UTC';

/** Opens the postmortem modal: the saved draft, or values prefilled from the incident. */
export async function openPostmortemModal(
  deps: { prisma: PrismaClient; client: WebClient },
  input: { triggerId: string; incidentId: string },
): Promise<void> {
  const loaded = await loadPostmortem(deps.prisma, input.incidentId);
  await deps.client.views.open({
    trigger_id: input.triggerId,
    view: postmortemModal({
      incidentId: loaded.incident.id,
      incidentKey: loaded.report.incidentKey,
      version: loaded.postmortem?.version ?? null,
      values: loaded.values,
      stageTimes: stageTimes(loaded.incident),
      updates: loaded.report.updates,
      metrics: loaded.report.metrics,
      actionItems: loaded.report.actionItems,
      published: loaded.report.published,
    }),
  });
}

function draftMessage(deps: ListenerDeps, loaded: LoadedPostmortem) {
  const pageUrl =
    loaded.report.published && deps.statusPage
      ? incidentPageUrl(deps.statusPage.url, loaded.incident.id)
      : null;
  return postmortemMessage(loaded.report, {
    incidentId: loaded.incident.id,
    timeZone: timeZoneOf(deps),
    pageUrl,
    canPublish: !loaded.incident.isPrivate,
  });
}

/** Uploads the report as a markdown file; when Slack refuses the upload, posts it as text. */
export async function exportPostmortem(
  deps: ListenerDeps,
  client: WebClient,
  input: { incidentId: string; channelId: string; userId: string },
): Promise<void> {
  const loaded = await loadPostmortem(deps.prisma, input.incidentId);
  const markdown = renderPostmortemMarkdown(loaded.report, {
    timeZone: timeZoneOf(deps),
    audience: 'internal',
  });
  const key = loaded.report.incidentKey;
  try {
    await client.files.uploadV2({
      channel_id: input.channelId,
      filename: `${key.toLowerCase()}-postmortem.md`,
      title: `${key} postmortem`,
      content: markdown,
      initial_comment: `${key} postmortem, exported by <@${input.userId}>`,
    });
  } catch (error) {
    deps.logger.warn(
      { err: error, event: 'postmortem_upload_failed' },
      `Could not upload the postmortem; posting it instead: ${(error as Error).message}`,
    );
    await client.chat.postMessage({
      channel: input.channelId,
      text: truncate(`${key} postmortem (markdown):\n\`\`\`${escapeMrkdwn(markdown)}\`\`\``, 39_000),
    });
  }
}

async function publishAndReply(
  deps: ListenerDeps,
  input: { incidentId: string; userId: string },
  reply: (text: string) => Promise<unknown>,
): Promise<void> {
  const outcome = await publishPostmortem(deps.prisma, {
    incidentId: input.incidentId,
    actorId: input.userId,
    at: deps.now(),
  });
  if (!outcome.ok) {
    await reply(escapeMrkdwn(outcome.error));
    return;
  }
  deps.enqueueOutbox(outcome.outboxIds);
  const link = deps.statusPage
    ? ` It will be at ${incidentPageUrl(deps.statusPage.url, input.incidentId)} in a moment.`
    : '';
  await reply(`Publishing the postmortem.${link}`);
}

/** `/incident postmortem [publish|export]` inside an incident channel. */
export async function handlePostmortemCommand(
  deps: ListenerDeps,
  input: {
    action: 'edit' | 'publish' | 'export';
    incidentId: string;
    channelId: string;
    userId: string;
    triggerId: string;
  },
  client: WebClient,
  respond: RespondFn,
): Promise<void> {
  if (input.action === 'edit') {
    await openModalOrExplain(
      () => openPostmortemModal({ prisma: deps.prisma, client }, input),
      respond,
      'run the command again',
    );
  } else if (input.action === 'publish') {
    await publishAndReply(deps, input, (text) => respond(ephemeral(text)));
  } else {
    await exportPostmortem(deps, client, input);
  }
}

export function registerPostmortem(app: App, deps: ListenerDeps): void {
  app.view(VIEW_IDS.postmortem, async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(postmortemMetadataSchema, view.private_metadata);
    const state = viewStateSchema.safeParse(view.state.values);
    const known =
      metadata !== undefined &&
      (await deps.prisma.incident.count({ where: { id: metadata.incidentId } })) > 0;
    if (!metadata || !state.success || !known) {
      await ack({
        response_action: 'errors',
        errors: {
          [INPUT_IDS.pmSummary.block]:
            'This form is out of date or damaged. Close it and open a new one with /incident postmortem.',
        },
      });
      return;
    }
    const submission = parsePostmortemSubmission(state.data, deps.now());
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    const outcome = await savePostmortemDraft(deps.prisma, {
      incidentId: metadata.incidentId,
      expectedVersion: metadata.version,
      values: submission.value.values,
      actionItems: submission.value.actionItems,
      authorId: body.user.id,
      submissionKey: `view:${view.id}`,
      at: deps.now(),
    });
    if (!outcome.ok) {
      await ack({ response_action: 'errors', errors: { [INPUT_IDS.pmSummary.block]: outcome.error } });
      return;
    }
    await ack();
    deps.enqueueOutbox(outcome.outboxIds);
    if (outcome.repeated) return; // its draft was posted after the first delivery
    const loaded = await loadPostmortem(deps.prisma, metadata.incidentId);
    const channel = loaded.incident.slackChannelId;
    if (!channel) return;
    await client.chat
      .postMessage({ channel, ...draftMessage(deps, loaded), unfurl_links: false })
      .catch((error: Error) =>
        deps.logger.warn(
          { err: error, event: 'postmortem_draft_post_failed' },
          `Could not post the postmortem draft: ${error.message}`,
        ),
      );
  });

  app.action<BlockButtonAction>(ACTION_IDS.editPostmortem, async ({ ack, body, action, client, respond }) => {
    await ack();
    const incidentId = incidentIdSchema.safeParse(action.value);
    if (!incidentId.success || (await deps.prisma.incident.count({ where: { id: incidentId.data } })) === 0) {
      await respond(ephemeral('This button belongs to an incident Sitrep no longer knows.'));
      return;
    }
    await openModalOrExplain(
      () =>
        openPostmortemModal(
          { prisma: deps.prisma, client },
          { triggerId: body.trigger_id, incidentId: incidentId.data },
        ),
      respond,
      'click again',
    );
  });

  app.action<BlockButtonAction>(ACTION_IDS.publishPostmortem, async ({ ack, body, action, respond }) => {
    await ack();
    const incidentId = incidentIdSchema.safeParse(action.value);
    if (!incidentId.success || (await deps.prisma.incident.count({ where: { id: incidentId.data } })) === 0) {
      await respond(ephemeral('This button belongs to an incident Sitrep no longer knows.'));
      return;
    }
    await publishAndReply(deps, { incidentId: incidentId.data, userId: body.user.id }, (text) =>
      respond(ephemeral(text)),
    );
  });
}
