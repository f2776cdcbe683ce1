import type { IncidentRoleName } from '../../domain/roles';
import type { Severity } from '../../domain/severity';
import type { Stage, StageTimes } from '../../domain/stages';

/** What the Slack messages show about an incident; built from the database by the services. */
export interface IncidentView {
  id: string;
  key: string;
  title: string;
  summary: string;
  severity: Severity;
  stage: Stage;
  isPrivate: boolean;
  channelId: string | null;
  roles: Partial<Record<IncidentRoleName, string>>;
  components: { name: string; group: string | null; impact: string }[];
  times: StageTimes;
  /** The incident's public page; null for private incidents or when no page URL is known. */
  statusPageUrl: string | null;
}
