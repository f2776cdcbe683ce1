import { escapeMrkdwn, SLACK_LIMITS, truncate } from '../../domain/mrkdwn';
import { formatFull } from '../../domain/time-format';

export interface TimelineEntry {
  kind: string;
  text: string;
  actorId: string | null;
  occurredAt: Date;
}

const MAX_SECTIONS = 45;
/** Entries whose text Sitrep wrote itself (stage names, severities, mentions); all others hold user text. */
export const GENERATED_KINDS = new Set(['stage_changed', 'severity_changed', 'role_assigned']);

/** The timeline with full dates in the reader's zone; long timelines are split across sections. */
export function renderTimeline(incidentKey: string, entries: TimelineEntry[], timeZone: string) {
  const lines = entries.map((entry) => {
    const text = GENERATED_KINDS.has(entry.kind) ? entry.text : escapeMrkdwn(entry.text);
    const by = entry.actorId ? ` (<@${entry.actorId}>)` : '';
    return `\`${formatFull(entry.occurredAt, timeZone)}\` ${truncate(text, 1000)}${by}`;
  });
  const sections: string[] = [];
  let current = `*${incidentKey} timeline* (times in ${timeZone})`;
  for (const line of lines) {
    if (current.length + line.length + 1 > SLACK_LIMITS.sectionText) {
      sections.push(current);
      current = line;
    } else current = `${current}\n${line}`;
  }
  sections.push(current);
  const shown = sections.slice(0, MAX_SECTIONS);
  if (sections.length > MAX_SECTIONS)
    shown.push(`_…${sections.length - MAX_SECTIONS} more sections not shown_`);
  return {
    text: `${incidentKey} timeline: ${entries.length} entries`,
    blocks: shown.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  };
}
