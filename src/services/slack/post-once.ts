import type { WebClient } from '@slack/web-api';
import type { ChannelPacer } from './channel-pacer';
import { slackErrorCode } from './slack-errors';

/** Metadata event type on every post Sitrep makes from a job; its payload's `key` names the post. */
export const POST_KEY_EVENT = 'sitrep_post';
const PAGE_SIZE = 200;
const MAX_REPLY_PAGES = 5;

export interface PostOnce {
  channel: string;
  /** Posts as a reply in this thread. */
  threadTs?: string;
  /** Names this post for good, e.g. `update:<id>:channel`. */
  key: string;
  message: { text: string; blocks: object[] };
  /**
   * An earlier attempt of this job may have reached Slack without learning the answer (killed
   * worker, timeout): look for its post before posting.
   */
  mayHavePosted: boolean;
}

interface MessageWithMetadata {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/**
 * Slack has no idempotency key for chat.postMessage, and a post can land while the worker that
 * made it dies (SIGKILL) or gives up waiting (timeout) before it records the message's ts. So
 * every post carries its key in the message metadata, and a retried job first looks for a post
 * with that key in the recent history (or the thread) and adopts it instead of posting twice.
 */
export async function postOnce(slack: WebClient, post: PostOnce, pacer?: ChannelPacer): Promise<string> {
  if (post.mayHavePosted) {
    const found = await findPost(slack, post);
    if (found) return found;
  }
  await pacer?.take(post.channel);
  const posted = await slack.chat.postMessage({
    channel: post.channel,
    ...(post.threadTs ? { thread_ts: post.threadTs } : {}),
    ...post.message,
    metadata: { event_type: POST_KEY_EVENT, event_payload: { key: post.key } },
  });
  if (!posted.ts) throw new Error('chat.postMessage returned no ts');
  return posted.ts;
}

async function findPost(slack: WebClient, post: PostOnce): Promise<string | undefined> {
  try {
    return await searchPosts(slack, post);
  } catch (error) {
    // A public channel the bot posted to with chat:write.public without joining: join to read it.
    if (slackErrorCode(error) !== 'not_in_channel') throw error;
    await slack.conversations.join({ channel: post.channel });
    return searchPosts(slack, post);
  }
}

async function searchPosts(slack: WebClient, post: PostOnce): Promise<string | undefined> {
  const isIt = (m: MessageWithMetadata) =>
    m.metadata?.event_type === POST_KEY_EVENT && m.metadata.event_payload?.key === post.key;
  if (!post.threadTs) {
    // Newest first: a post made by the attempt before this one is among the latest.
    const page = await slack.conversations.history({
      channel: post.channel,
      limit: PAGE_SIZE,
      include_all_metadata: true,
    });
    return (page.messages as MessageWithMetadata[] | undefined)?.find(isIt)?.ts;
  }
  let cursor: string | undefined;
  for (let page = 0; page < MAX_REPLY_PAGES; page += 1) {
    const replies = await slack.conversations.replies({
      channel: post.channel,
      ts: post.threadTs,
      limit: PAGE_SIZE,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    });
    const hit = (replies.messages as MessageWithMetadata[] | undefined)?.find(isIt);
    if (hit?.ts) return hit.ts;
    cursor = replies.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}
