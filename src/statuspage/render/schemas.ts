/**
 * Zod schemas of the Atlassian Statuspage public v2 JSON (summary, status, components, incidents,
 * incidents/unresolved), written from the format rather than from our renderer. Objects are strict
 * so that a stray or misspelled field fails a test. The renderers' return types are inferred
 * from these schemas, so the compiler checks the renderers against them too.
 */
import { z } from 'zod';
import { STAGES } from '../../domain/stages';
import { COMPONENT_STATUSES, IMPACTS, INDICATOR_DESCRIPTIONS, MAINTENANCE_DESCRIPTION } from './common';

const isoDateTime = z.iso.datetime({ offset: true });

export const componentStatusSchema = z.enum(COMPONENT_STATUSES);
export const impactSchema = z.enum(IMPACTS);
export const incidentStatusSchema = z.enum(STAGES);

export const pageSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  url: z.url(),
  time_zone: z.string().min(1),
  updated_at: isoDateTime,
});

export const pageStatusSchema = z.strictObject({
  indicator: impactSchema,
  description: z.enum([...Object.values(INDICATOR_DESCRIPTIONS), MAINTENANCE_DESCRIPTION]),
});

const componentFields = {
  id: z.string().min(1),
  name: z.string(),
  status: componentStatusSchema,
  created_at: isoDateTime,
  updated_at: isoDateTime,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.iso.date().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string().min(1),
  only_show_if_degraded: z.boolean(),
};

export const componentSchema = z.strictObject({ ...componentFields, group: z.literal(false) });

/** A group is listed as a component with `group: true` and the ids of its members. */
export const groupComponentSchema = z.strictObject({
  ...componentFields,
  group: z.literal(true),
  group_id: z.null(),
  components: z.array(z.string().min(1)),
});

export const anyComponentSchema = z.union([componentSchema, groupComponentSchema]);

export const affectedComponentSchema = z.strictObject({
  code: z.string().min(1),
  name: z.string(),
  old_status: componentStatusSchema,
  new_status: componentStatusSchema,
});

export const incidentUpdateSchema = z.strictObject({
  id: z.string().min(1),
  status: incidentStatusSchema,
  body: z.string(),
  incident_id: z.string().min(1),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  display_at: isoDateTime,
  affected_components: z.array(affectedComponentSchema),
});

export const incidentSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  status: incidentStatusSchema,
  impact: impactSchema,
  created_at: isoDateTime,
  updated_at: isoDateTime,
  monitoring_at: isoDateTime.nullable(),
  resolved_at: isoDateTime.nullable(),
  started_at: isoDateTime,
  shortlink: z.url(),
  page_id: z.string().min(1),
  components: z.array(componentSchema),
  incident_updates: z.array(incidentUpdateSchema).min(1),
  /** Statuspage's incident postmortem fields: the published report as markdown, or null. */
  postmortem_body: z.string().nullable(),
  postmortem_published_at: isoDateTime.nullable(),
});

const unresolvedIncidentSchema = incidentSchema.refine(
  (incident) => incident.status !== 'resolved' && incident.resolved_at === null,
  'an unresolved incident has a status other than resolved and no resolved_at',
);

/** `/api/v2/summary.json`: like Statuspage, only unresolved incidents are listed here. */
export const summarySchema = z.strictObject({
  page: pageSchema,
  status: pageStatusSchema,
  components: z.array(anyComponentSchema),
  incidents: z.array(unresolvedIncidentSchema),
  scheduled_maintenances: z.array(z.never()),
});

/** `/api/v2/status.json` */
export const statusSchema = z.strictObject({ page: pageSchema, status: pageStatusSchema });

/** `/api/v2/components.json` */
export const componentsSchema = z.strictObject({ page: pageSchema, components: z.array(anyComponentSchema) });

/** `/api/v2/incidents.json`: the 50 most recent incidents, newest first. */
export const incidentsSchema = z.strictObject({
  page: pageSchema,
  incidents: z.array(incidentSchema).max(50),
});

/** `/api/v2/incidents/unresolved.json` */
export const unresolvedIncidentsSchema = z.strictObject({
  page: pageSchema,
  incidents: z.array(unresolvedIncidentSchema),
});

export type PageJson = z.infer<typeof pageSchema>;
export type PageStatusJson = z.infer<typeof pageStatusSchema>;
export type ComponentJson = z.infer<typeof componentSchema>;
export type GroupComponentJson = z.infer<typeof groupComponentSchema>;
export type IncidentJson = z.infer<typeof incidentSchema>;
export type IncidentUpdateJson = z.infer<typeof incidentUpdateSchema>;
export type SummaryJson = z.infer<typeof summarySchema>;
export type StatusJson = z.infer<typeof statusSchema>;
export type ComponentsJson = z.infer<typeof componentsSchema>;
export type IncidentsJson = z.infer<typeof incidentsSchema>;
export type UnresolvedIncidentsJson = z.infer<typeof unresolvedIncidentsSchema>;
