import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { ACTION_IDS, SHORTCUT_IDS, SLASH_COMMANDS, VIEW_IDS } from '../ids';
import { noticeModal } from '../unhandled-answers';

const KNOWN_VIEWS = new Set<string>(Object.values(VIEW_IDS));
const KNOWN_ACTIONS = new Set<string>(Object.values(ACTION_IDS));
const KNOWN_SHORTCUTS = new Set<string>(Object.values(SHORTCUT_IDS));
const KNOWN_COMMANDS = new Set<string>(Object.values(SLASH_COMMANDS).map((c) => c.command));

type Body = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The answer for a request no listener of Sitrep handles, or undefined when one does. */
function answerFor(body: Body): { response?: unknown } | undefined {
  if (typeof body.command === 'string') {
    return KNOWN_COMMANDS.has(body.command)
      ? undefined
      : {
          response: {
            response_type: 'ephemeral',
            text: 'Sitrep only answers /incident. Try `/incident help`.',
          },
        };
  }
  const view = (body.view ?? {}) as Body;
  switch (body.type) {
    case 'view_submission':
      return KNOWN_VIEWS.has(str(view.callback_id) ?? '')
        ? undefined
        : {
            response: {
              response_action: 'update',
              view: noticeModal(
                'Sitrep does not know this form (it may be from an older version). Nothing was saved. Close it and start again with `/incident`.',
              ),
            },
          };
    case 'view_closed':
      return KNOWN_VIEWS.has(str(view.callback_id) ?? '') ? undefined : {};
    case 'block_actions': {
      const actions = Array.isArray(body.actions) ? (body.actions as Body[]) : [];
      return actions.some((a) => KNOWN_ACTIONS.has(str(a.action_id) ?? '')) ? undefined : {};
    }
    case 'shortcut':
    case 'message_action':
      return KNOWN_SHORTCUTS.has(str(body.callback_id) ?? '') ? undefined : {};
    case 'block_suggestion':
      return KNOWN_ACTIONS.has(str(body.action_id) ?? '') ? undefined : { response: { options: [] } };
    default:
      // Legacy dialogs, attachments' buttons and the like: Sitrep has none of them.
      return typeof body.type === 'string' && body.type !== 'event_callback' ? {} : undefined;
  }
}

/**
 * Runs first: a command, form, button or shortcut Sitrep has no listener for (its id is not in
 * ids.ts: a listener for a new id must have it there; an old message's
 * button, a form from an earlier version, a tampered payload) is acknowledged at once with a
 * plain answer. Without this Bolt leaves it unacknowledged and Slack shows a timeout after 3 s.
 */
export function answerUnknownRequests(): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const answer = answerFor(args.body as unknown as Body);
    const ack =
      'ack' in args && typeof args.ack === 'function'
        ? (args.ack as (response?: unknown) => Promise<void>)
        : undefined;
    if (!answer || !ack) {
      await args.next();
      return;
    }
    await ack(answer.response);
  };
}
