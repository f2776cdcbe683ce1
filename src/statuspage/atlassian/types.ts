/**
 * Atlassian Statuspage REST API v1 vocabulary (https://api.statuspage.io/v1), as far as Sitrep uses it.
 * Realtime incidents only: scheduled maintenance statuses are not modelled.
 */

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type StatuspageIncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type StatuspageImpact = (typeof IMPACTS)[number];

export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;
export type StatuspageComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** What Sitrep sends when it creates or updates an incident. */
export interface StatuspageIncidentInput {
  name: string;
  status: StatuspageIncidentStatus;
  /** Becomes a new incident update (the first one on create). Statuspage allows 25 000 characters. */
  body: string;
  /** Omitted from the request when absent: Statuspage then derives the impact from component statuses. */
  impactOverride?: StatuspageImpact;
  /** Keyed by Statuspage component id (not Sitrep's). */
  componentStatuses: Record<string, StatuspageComponentStatus>;
  /** false: the change is published without emailing/texting subscribers. */
  deliverNotifications: boolean;
}

/** The part of Statuspage's incident object Sitrep keeps. */
export interface StatuspageIncident {
  id: string;
  /** e.g. https://stspg.io/abcde; absent when Statuspage sends none. */
  shortlink?: string;
  /** Normally one of INCIDENT_STATUSES; kept as a string so an unexpected value never fails a write. */
  status: string;
}

export interface StatuspagePostmortem {
  /** ISO timestamp from Statuspage, when it returned one. */
  publishedAt?: string;
}
