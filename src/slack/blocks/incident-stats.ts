import { MEASURES, type Measure } from '../../domain/incident-metrics';
import { formatDuration } from '../../domain/time-format';
import type { IncidentStats } from '../../services/incident-stats';

const SHORT: Record<Measure, string> = {
  identify: 'identify',
  mitigate: 'mitigate',
  resolve: 'resolve',
  impact: 'impact',
};

/** `/incident stats`: per severity, the median of each measure and how many incidents reached it. */
export function renderIncidentStats(stats: IncidentStats, days: number): { text: string } {
  const header = `*Incidents declared in the last ${days} day${days === 1 ? '' : 's'}: ${stats.incidents}*\nMedian times from declaration (identify, mitigate = Monitoring, resolve) and of the impact window; (n) = incidents that got there.`;
  const lines = stats.bySeverity.map((s) => {
    if (s.incidents === 0) return `• *${s.severity}*: none`;
    const parts = MEASURES.map((m) => {
      const summary = s.measures[m];
      return summary ? `${SHORT[m]} ${formatDuration(summary.median)} (${summary.count})` : `${SHORT[m]} –`;
    });
    return `• *${s.severity}*: ${s.incidents} incident${s.incidents === 1 ? '' : 's'} · ${parts.join(' · ')}`;
  });
  return { text: [header, ...lines].join('\n') };
}
