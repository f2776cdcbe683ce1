/** Slack's maximum channel name length (`invalid_name_maxlength` beyond it). */
export const MAX_CHANNEL_NAME = 80;

function slugify(title: string): string {
  return (
    title
      .toLowerCase()
      // NFKD splits "é" into "e" + a combining accent and folds compatibility forms ("ﬁ" → "fi").
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      // Again: compatibility forms such as "ℌ" only become capital letters under NFKD.
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
  );
}

// Cutting may expose a '-' that was inside the title; Slack accepts it, but it reads as broken.
function cutSlug(slug: string, room: number): string {
  return slug.slice(0, Math.max(0, room)).replace(/-+$/, '');
}

function assembleName(base: string, cut: string, suffix: string): string {
  return cut ? `${base}-${cut}${suffix}` : `${base}${suffix}`;
}

/**
 * `inc-<n>-<slug>`, within Slack's channel name rules. `attempt` counts the `name_taken` answers
 * so far; each retry appends `-<attempt + 1>` so the second try is `…-2`.
 */
export function incidentChannelName(incidentNumber: number, title: string, attempt = 0): string {
  if (!Number.isSafeInteger(incidentNumber) || incidentNumber < 0) {
    throw new RangeError(`incidentChannelName: bad incident number ${incidentNumber}`);
  }
  if (!Number.isSafeInteger(attempt) || attempt < 0) {
    throw new RangeError(`incidentChannelName: bad attempt ${attempt}`);
  }
  const base = `inc-${incidentNumber}`;
  const slug = slugify(title);
  const first = assembleName(base, cutSlug(slug, MAX_CHANNEL_NAME - base.length - 1), '');
  if (attempt === 0) return first;

  const suffix = `-${attempt + 1}`;
  const cut = cutSlug(slug, MAX_CHANNEL_NAME - base.length - suffix.length - 1);
  const name = assembleName(base, cut, suffix);
  // A long title ending in e.g. " 2" can make a cut retry name equal the first name, which Slack
  // already refused; a shorter cut makes the name shorter, hence different. Retries never collide
  // with each other: their last '-' segment is the attempt number.
  return name === first ? assembleName(base, cutSlug(cut, cut.length - 1), suffix) : name;
}

/** Slack's rule for channel names: 1–80 lowercase letters, digits, hyphens and underscores. */
export function isValidChannelName(name: string): boolean {
  return name.length >= 1 && name.length <= MAX_CHANNEL_NAME && /^[a-z0-9_-]+$/.test(name);
}
