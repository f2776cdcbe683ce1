/** Atlassian Statuspage adapter: REST client, request mapping and component map. */
export { DEFAULT_BASE_URL, StatuspageClient } from './client';
export type { PublishPostmortemOptions, StatuspageClientOptions } from './client';
export { parseRetryAfter, StatuspageError } from './errors';
export { ComponentMapError, componentMapKey, parseComponentMap, toStatuspageIncident } from './map-update';
export type {
  ComponentImpactSource,
  IncidentUpdateSource,
  MappedIncident,
  SitrepComponentImpact,
} from './map-update';
export * from './types';
