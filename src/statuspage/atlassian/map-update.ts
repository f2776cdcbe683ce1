/**
 * From a Sitrep incident update to the Statuspage request, and the component map that links the two.
 *
 * The component map is a JSON object from a Sitrep component to a Statuspage component id:
 *   { "Prod Eu1 / Software Engineering Insights (SEI)": "8kbf7d35c070", "Billing": "vtnh60py4yd7" }
 * A key is "<Group> / <Component>" (group name, space, slash, space, component name) for a component
 * in a group, or just "<Component>" for one without a group. Names are matched exactly (case and
 * spacing included); a grouped component never falls back to its bare name, because the same name
 * can exist in several groups. Components missing from the map are left out of the request and
 * reported in `unmapped` (by their key) so the caller can warn.
 */
import { z } from 'zod';
import type { Stage } from '../../domain/stages';
import {
  INCIDENT_STATUSES,
  type StatuspageComponentStatus,
  type StatuspageImpact,
  type StatuspageIncidentInput,
  type StatuspageIncidentStatus,
} from './types';

export type SitrepComponentImpact =
  'OPERATIONAL' | 'DEGRADED_PERFORMANCE' | 'PARTIAL_OUTAGE' | 'MAJOR_OUTAGE';

export interface ComponentImpactSource {
  componentName: string;
  /** Group name; null, undefined or '' for an ungrouped component. */
  group?: string | null;
  impact: SitrepComponentImpact;
}

export interface IncidentUpdateSource {
  title: string;
  /** Sitrep's stage; the database's upper-case IncidentStatus is accepted too. */
  stage: Stage | Uppercase<Stage>;
  /** Public message of the update. */
  body: string;
  /** Sent as impact_override; leave undefined to let Statuspage derive it from the components. */
  impact?: StatuspageImpact;
  componentImpacts: readonly ComponentImpactSource[];
  /** From parseComponentMap. */
  componentMap: Readonly<Record<string, string>>;
  /** Notify Statuspage subscribers (deliver_notifications). */
  notify: boolean;
}

export interface MappedIncident {
  input: StatuspageIncidentInput;
  /** Keys ("<Group> / <Component>" or "<Component>") of components with no Statuspage id, in input order. */
  unmapped: string[];
}

/** Statuspage limits: incident name 255 characters, update body 25 000. */
export const MAX_NAME_CHARS = 255;
export const MAX_BODY_CHARS = 25_000;

const STATUS_OF_IMPACT: Record<SitrepComponentImpact, StatuspageComponentStatus> = {
  OPERATIONAL: 'operational',
  DEGRADED_PERFORMANCE: 'degraded_performance',
  PARTIAL_OUTAGE: 'partial_outage',
  MAJOR_OUTAGE: 'major_outage',
};
const SEVERITY_RANK: StatuspageComponentStatus[] = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
];

/** The component map key of a Sitrep component. */
export function componentMapKey(componentName: string, group?: string | null): string {
  return group ? `${group} / ${componentName}` : componentName;
}

export function toStatuspageIncident(source: IncidentUpdateSource): MappedIncident {
  const componentStatuses: Record<string, StatuspageComponentStatus> = {};
  const unmapped: string[] = [];
  for (const { componentName, group, impact } of source.componentImpacts) {
    const key = componentMapKey(componentName, group);
    const externalId = Object.hasOwn(source.componentMap, key) ? source.componentMap[key] : undefined;
    if (externalId === undefined) {
      if (!unmapped.includes(key)) unmapped.push(key);
      continue;
    }
    const status = STATUS_OF_IMPACT[impact];
    const previous = componentStatuses[externalId];
    // Two Sitrep components mapped to one Statuspage component: the worse status wins.
    componentStatuses[externalId] =
      previous !== undefined && SEVERITY_RANK.indexOf(previous) > SEVERITY_RANK.indexOf(status)
        ? previous
        : status;
  }
  const input: StatuspageIncidentInput = {
    name: truncate(source.title, MAX_NAME_CHARS),
    status: toIncidentStatus(source.stage),
    body: truncate(source.body, MAX_BODY_CHARS),
    componentStatuses,
    deliverNotifications: source.notify,
  };
  if (source.impact !== undefined) input.impactOverride = source.impact;
  return { input, unmapped };
}

function toIncidentStatus(stage: string): StatuspageIncidentStatus {
  const status = INCIDENT_STATUSES.find((candidate) => candidate === stage.toLowerCase());
  if (status === undefined) throw new Error(`Unknown incident stage "${stage}"`);
  return status;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export class ComponentMapError extends Error {
  override readonly name = 'ComponentMapError';
  constructor(readonly problems: string[]) {
    super(`Statuspage component map: ${problems.join('; ')}`);
  }
}

/** Statuspage component ids are short lower-case alphanumeric strings, e.g. "8kbf7d35c070". */
const componentIdSchema = z
  .string({ error: (issue) => `expected a Statuspage component id (a string), got ${describe(issue.input)}` })
  .regex(/^[A-Za-z0-9_-]+$/, {
    error: (issue) => `expected a Statuspage component id (letters and digits), got ${describe(issue.input)}`,
  });

const componentMapSchema = z.record(z.string(), componentIdSchema, {
  error: (issue) =>
    `expected a JSON object of "<Group> / <Component>": "<component id>", got ${describe(issue.input)}`,
});

/**
 * Parses and checks a component map (see the top of this file). Throws ComponentMapError naming the
 * offending key; an empty object is valid.
 */
export function parseComponentMap(json: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ComponentMapError([`not valid JSON (${(error as Error).message})`]);
  }
  const parsed = componentMapSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ComponentMapError(
      parsed.error.issues.map((issue) =>
        issue.path.length > 0 ? `"${issue.path.map(String).join('.')}": ${issue.message}` : issue.message,
      ),
    );
  }
  const problems = Object.keys(parsed.data).flatMap((key) => keyProblems(key));
  if (problems.length > 0) throw new ComponentMapError(problems);
  return parsed.data;
}

function keyProblems(key: string): string[] {
  if (key.trim() === '') return ['a key is empty; expected "<Group> / <Component>" or "<Component>"'];
  if (key !== key.trim()) return [`"${key}": remove the spaces around the key`];
  if (key.split(' / ').some((part) => part.trim() === '' || part !== part.trim())) {
    return [`"${key}": expected "<Group> / <Component>" with one space on each side of the slash`];
  }
  return [];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
