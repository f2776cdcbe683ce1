import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { SchemaGuard, SchemaStatus } from '../../db/schema-guard';

export const NOT_READY_SCHEMA_TEXT =
  'Sitrep is not ready: database schema is out of date. Nothing was changed. An operator needs to run `sitrep migrate` (see /readyz for details).';
export const NOT_READY_DATABASE_TEXT =
  'Sitrep is not ready: it cannot reach its database. Nothing was changed. Please try again in a minute.';

function notReadyText(status: SchemaStatus): string | undefined {
  if (status.state === 'ok') return undefined;
  return status.state === 'mismatch' ? NOT_READY_SCHEMA_TEXT : NOT_READY_DATABASE_TEXT;
}

/**
 * Runs before every listener: while the schema and this build disagree, no listener may touch
 * the database. Users get a plain explanation in Slack instead of a failure or silence.
 */
export function requireSchemaReady(guard: SchemaGuard): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const text = notReadyText(await guard.cached());
    if (!text) {
      await args.next();
      return;
    }
    const ack =
      'ack' in args && typeof args.ack === 'function'
        ? (args.ack as (response?: unknown) => Promise<void>)
        : undefined;
    if ('command' in args) {
      await ack?.({ response_type: 'ephemeral', text });
      return;
    }
    if ('view' in args && args.body.type === 'view_submission') {
      // A modal can only show errors next to its own blocks; keep it open and say why at the top.
      await ack?.({
        response_action: 'update',
        view: {
          type: 'modal',
          title: { type: 'plain_text', text: 'Sitrep' },
          close: { type: 'plain_text', text: 'Close' },
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
        },
      });
      return;
    }
    await ack?.();
    if ('respond' in args && typeof args.respond === 'function') {
      await args
        .respond({ response_type: 'ephemeral', replace_original: false, text })
        .catch(() => undefined);
    }
  };
}
