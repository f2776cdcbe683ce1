/** Limits Slack enforces on Block Kit and messages (characters, or blocks where named so). */
export const SLACK_LIMITS = {
  sectionText: 3000,
  headerText: 150,
  messageText: 40000,
  plainTextInput: 3000,
  modalTitle: 24,
  optionText: 75,
  blocksPerMessage: 50,
  blocksPerModal: 100,
} as const;

/**
 * Slack's mrkdwn gives meaning only to these three characters; escaping them is what keeps a title
 * such as `<!channel>` or `<@U123>` from pinging anyone. `&` goes first so entities are not doubled.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` UTF-16 code units (the unit Slack counts in), ending in '…' when cut.
 * A cut never leaves half a surrogate pair (Slack rejects lone surrogates) nor half of an
 * `&amp;`/`&lt;`/`&gt;` entity, so text can be escaped first and then truncated to a limit.
 */
export function truncate(text: string, max: number): string {
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`truncate: max must be a whole number ≥ 0`);
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let end = max - ELLIPSIS.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  const amp = text.lastIndexOf('&', end - 1);
  if (amp >= 0 && end - amp < 5) {
    const entity = /^&(?:amp|lt|gt);/.exec(text.slice(amp, amp + 5));
    if (entity && amp + entity[0].length > end) end = amp;
  }
  return text.slice(0, end) + ELLIPSIS;
}

export function userMention(userId: string): string {
  return `<@${userId}>`;
}

/**
 * Slack delivers message and command text with `&`, `<` and `>` escaped. Sitrep stores plain
 * text (every output escapes again for its own medium: mrkdwn, HTML, XML), so it unescapes once
 * on the way in. `&amp;` goes last so `&amp;lt;` stays the literal text `&lt;`.
 */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
