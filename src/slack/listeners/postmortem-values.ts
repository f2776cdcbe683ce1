import { z } from 'zod';
import {
  describeLineErrors,
  parseActionItemLines,
  type ActionItemLine,
} from '../../domain/action-item-lines';
import type { PostmortemDraftValues } from '../../services/load-postmortem';
import { POSTMORTEM_FIELD_MAX } from '../blocks/postmortem-modal';
import { INPUT_IDS } from '../ids';
import type { FieldErrors, Parsed, ViewState } from './view-values';

/** Contract: the postmortem modal's private_metadata (see blocks/postmortem-modal.ts). */
export const postmortemMetadataSchema = z.object({
  incidentId: z.uuid(),
  version: z.number().int().min(1).nullable(),
});

type Ids = { block: string; action: string };
const read = (state: ViewState, ids: Ids) => state[ids.block]?.[ids.action];

function readDateTime(state: ViewState, ids: Ids): Date | null {
  const raw = read(state, ids)?.selected_date_time;
  return typeof raw === 'number' && Number.isFinite(raw) ? new Date(raw * 1000) : null;
}

export interface PostmortemSubmission {
  values: PostmortemDraftValues;
  actionItems: ActionItemLine[];
}

/**
 * Reads the postmortem modal. Field errors: the impact window (start required, not in the future,
 * end not before start), over-long text, and every bad action item line by its number.
 */
export function parsePostmortemSubmission(state: ViewState, now: Date): Parsed<PostmortemSubmission> {
  const errors: FieldErrors = {};
  const impactStartedAt = readDateTime(state, INPUT_IDS.pmImpactStart);
  const impactEndedAt = readDateTime(state, INPUT_IDS.pmImpactEnd);
  if (!impactStartedAt) errors[INPUT_IDS.pmImpactStart.block] = 'Say when the impact started.';
  else if (impactStartedAt.getTime() > now.getTime())
    errors[INPUT_IDS.pmImpactStart.block] = 'The impact cannot start in the future.';
  if (impactStartedAt && impactEndedAt && impactEndedAt.getTime() < impactStartedAt.getTime())
    errors[INPUT_IDS.pmImpactEnd.block] = 'The impact cannot end before it started.';
  const text = (ids: Ids): string => {
    const value = (read(state, ids)?.value ?? '').trim();
    if (value.length > POSTMORTEM_FIELD_MAX)
      errors[ids.block] = `Keep it under ${POSTMORTEM_FIELD_MAX} characters.`;
    return value;
  };
  const values: PostmortemDraftValues = {
    summary: text(INPUT_IDS.pmSummary),
    rootCause: text(INPUT_IDS.pmRootCause),
    impact: text(INPUT_IDS.pmImpact),
    notImpacted: text(INPUT_IDS.pmNotImpacted),
    remediation: text(INPUT_IDS.pmRemediation),
    impactStartedAt,
    impactEndedAt,
  };
  const lines = parseActionItemLines(
    read(state, INPUT_IDS.pmActionItems)?.value ?? '',
    now.toISOString().slice(0, 10),
  );
  if (!lines.ok) errors[INPUT_IDS.pmActionItems.block] = describeLineErrors(lines.errors);
  if (Object.keys(errors).length > 0 || !lines.ok) return { ok: false, errors };
  return { ok: true, value: { values, actionItems: lines.items } };
}
