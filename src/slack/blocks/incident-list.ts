import { escapeMrkdwn, SLACK_LIMITS, truncate } from '../../domain/mrkdwn';
import { STAGE_LABELS, type Stage } from '../../domain/stages';
import { formatDuration } from '../../domain/time-format';

export interface ListedIncident {
  key: string;
  title: string;
  severity: string;
  stage: Stage;
  leadId: string | null;
  channelId: string | null;
  declaredAt: Date;
}

export function renderIncidentList(incidents: ListedIncident[], now: Date): { text: string } {
  if (incidents.length === 0) return { text: 'No open incidents. :tada:' };
  const lines = incidents.map((i) => {
    const where = i.channelId ? ` <#${i.channelId}>` : '';
    const lead = i.leadId ? `<@${i.leadId}>` : 'no lead';
    const age = formatDuration(now.getTime() - i.declaredAt.getTime());
    return `• *${i.key}* ${i.severity} · ${STAGE_LABELS[i.stage]} · ${lead} · ${age} old: ${truncate(escapeMrkdwn(i.title), 200)}${where}`;
  });
  return { text: truncate(`*Open incidents* (newest first)\n${lines.join('\n')}`, SLACK_LIMITS.sectionText) };
}
