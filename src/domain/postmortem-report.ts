/**
 * The postmortem as a report, shaped like the seed report: Summary, Root Cause, Impact, Duration,
 * What was not impacted?, Remediation, Action Items. Pure: the caller gathers what Sitrep knows.
 * The internal version (export, draft) also names owners and due dates, and adds response times
 * and the public updates; the public version is what the status page and Statuspage get.
 */
import { MEASURES, MEASURE_LABELS, type IncidentMetrics } from './incident-metrics';
import { STAGE_LABELS, type Stage } from './stages';
import { formatApproximateDuration, formatDuration, formatPosted, formatReportTime } from './time-format';

export interface ReportActionItem {
  title: string;
  ownerId: string | null;
  dueAt: Date | null;
  priority: 'high' | 'medium' | 'low';
  state: 'open' | 'in_progress' | 'done' | 'wont_do';
}

/** The sections a responder writes, and the impact window they correct. */
export interface PostmortemSections {
  summary: string;
  rootCause: string;
  impact: string;
  notImpacted: string;
  remediation: string;
  impactStartedAt: Date | null;
  impactEndedAt: Date | null;
}

export interface PostmortemReport extends PostmortemSections {
  incidentKey: string;
  title: string;
  actionItems: ReportActionItem[];
  /** Public updates, oldest first. */
  updates: { stage: Stage; body: string; postedAt: Date }[];
  metrics: IncidentMetrics;
  published: boolean;
}

export type Audience = 'internal' | 'public';

/** `February 12, 11:30 PM PST – February 13, 2:21 AM PST (about 3 hours)`; '' without a start. */
export function describeImpactWindow(
  start: Date | null,
  end: Date | null,
  timeZone: string,
  withLength = true,
): string {
  if (!start) return '';
  if (!end) return `Since ${formatReportTime(start, timeZone)} (ongoing)`;
  const window = `${formatReportTime(start, timeZone)} – ${formatReportTime(end, timeZone)}`;
  return withLength
    ? `${window} (about ${formatApproximateDuration(end.getTime() - start.getTime())})`
    : window;
}

const STATE_LABELS: Record<ReportActionItem['state'], string> = {
  open: 'open',
  in_progress: 'in progress',
  done: 'done',
  wont_do: "won't do",
};

function actionItemLine(item: ReportActionItem, index: number, audience: Audience): string {
  if (audience === 'public') return `${index + 1}. ${item.title}`;
  const details = [
    item.ownerId ? `owner <@${item.ownerId}>` : 'no owner',
    item.dueAt ? `due ${item.dueAt.toISOString().slice(0, 10)}` : 'no due date',
    `${item.priority} priority`,
    STATE_LABELS[item.state],
  ];
  return `${index + 1}. ${item.title} (${details.join(', ')})`;
}

/**
 * The impact window; for the team also how long the incident was open, which is not the same
 * thing (the seed incident was declared before its impact began).
 */
function durationBody(report: PostmortemReport, options: { timeZone: string; audience: Audience }): string {
  const window = describeImpactWindow(report.impactStartedAt, report.impactEndedAt, options.timeZone);
  const open = report.metrics.resolve;
  if (options.audience === 'public' || open === null) return window;
  const openFor = `The incident was open for about ${formatApproximateDuration(open)}, from declaration to resolution.`;
  return window ? `${window}\n\n${openFor}` : openFor;
}

/** The report's sections in the seed's order; empty sections are left out. */
export function reportSections(
  report: PostmortemReport,
  options: { timeZone: string; audience: Audience },
): { heading: string; body: string }[] {
  const items = report.actionItems
    .filter((item) => options.audience === 'internal' || item.state !== 'wont_do')
    .map((item, i) => actionItemLine(item, i, options.audience));
  const sections = [
    { heading: 'Summary', body: report.summary },
    { heading: 'Root Cause', body: report.rootCause },
    { heading: 'Impact', body: report.impact },
    { heading: 'Duration', body: durationBody(report, options) },
    { heading: 'What was not impacted?', body: report.notImpacted },
    { heading: 'Remediation', body: report.remediation },
    { heading: 'Action Items', body: items.join('\n') },
  ];
  if (options.audience === 'internal') {
    const times = MEASURES.map((m) => {
      const ms = report.metrics[m];
      return `- ${MEASURE_LABELS[m]}: ${ms === null ? 'not reached' : formatDuration(ms)}`;
    });
    sections.push({ heading: 'Response times', body: times.join('\n') });
    sections.push({
      heading: 'Public updates',
      body: report.updates
        .map((u) => `- ${STAGE_LABELS[u.stage]}, ${formatPosted(u.postedAt, options.timeZone)}: ${u.body}`)
        .join('\n'),
    });
  }
  return sections.filter((s) => s.body.trim() !== '');
}

/** Markdown for export and for Atlassian Statuspage (`heading: false`: Statuspage adds its own). */
export function renderPostmortemMarkdown(
  report: PostmortemReport,
  options: { timeZone: string; audience: Audience; heading?: boolean },
): string {
  const lines: string[] = [];
  if (options.heading ?? true) {
    lines.push(`# ${report.incidentKey}: ${report.title}`, '', 'Postmortem', '');
    if (!report.published) lines.push('_Draft, not published._', '');
  }
  for (const section of reportSections(report, options)) {
    lines.push(`## ${section.heading}`, '', section.body.trim(), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
