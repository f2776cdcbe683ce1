/**
 * The public snapshot every status-page renderer reads. The lead builds it from the database;
 * renderers are pure functions of it (no I/O, no clock: `generatedAt` is the only "now").
 */
import type { Stage } from '../../domain/stages';

export type ComponentStatusName =
  'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';
export type Impact = 'none' | 'minor' | 'major' | 'critical';

export interface PublicComponent {
  id: string;
  name: string;
  group: string | null;
  status: ComponentStatusName;
  description: string;
  position: number;
  updatedAt: Date;
}

export interface PublicUpdate {
  id: string;
  stage: Stage;
  body: string;
  postedAt: Date;
  affected: { componentId: string; name: string; group: string | null; newStatus: ComponentStatusName }[];
}

export interface PublicPostmortem {
  publishedAt: Date;
  summary: string;
  rootCause: string;
  impact: string;
  duration: string;
  notImpacted: string;
  remediation: string;
  actionItems: string[];
}

export interface PublicIncident {
  id: string;
  name: string;
  stage: Stage;
  impact: Impact;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
  components: PublicComponent[];
  updates: PublicUpdate[] /* newest first */;
  postmortem: PublicPostmortem | null;
}

export interface StatusSnapshot {
  page: { id: string; name: string; url: string /* no trailing slash */; timeZone: string };
  components: PublicComponent[];
  incidents: PublicIncident[] /* newest first, public only, each with ≥1 update */;
  generatedAt: Date;
}
