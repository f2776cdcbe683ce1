import { z } from 'zod';
import { parseDueDate } from '../../domain/due-date';
import { ACTION_TITLE_MAX, PRIORITIES, type PriorityValue } from '../blocks/action-item-modal';
import { INPUT_IDS } from '../ids';
import type { FieldErrors, Parsed, ViewState } from './view-values';

export interface ActionItemSubmission {
  title: string;
  ownerId: string;
  dueAt: Date;
  priority: PriorityValue;
}

type Ids = { block: string; action: string };
const read = (state: ViewState, ids: Ids) => state[ids.block]?.[ids.action];

/** `today` is the submitter's date (YYYY-MM-DD, their Slack time zone): no due date before it. */
export function parseActionItemSubmission(state: ViewState, today: string): Parsed<ActionItemSubmission> {
  const errors: FieldErrors = {};
  const title = (read(state, INPUT_IDS.actionTitle)?.value ?? '').trim();
  if (!title) errors[INPUT_IDS.actionTitle.block] = 'Say what needs doing.';
  else if (title.length > ACTION_TITLE_MAX)
    errors[INPUT_IDS.actionTitle.block] = `Keep it under ${ACTION_TITLE_MAX} characters.`;
  const ownerId = read(state, INPUT_IDS.actionOwner)?.selected_user ?? '';
  if (!/^[UW][A-Z0-9]+$/.test(ownerId)) errors[INPUT_IDS.actionOwner.block] = 'Choose who owns it.';
  const due = parseDueDate(read(state, INPUT_IDS.actionDue)?.selected_date, today);
  if (!due.ok) errors[INPUT_IDS.actionDue.block] = due.error;
  else if (!due.dueAt) errors[INPUT_IDS.actionDue.block] = 'Pick a due date.';
  const priority = read(state, INPUT_IDS.actionPriority)?.selected_option?.value ?? '';
  if (!(PRIORITIES as readonly string[]).includes(priority))
    errors[INPUT_IDS.actionPriority.block] = 'Choose a priority.';
  if (Object.keys(errors).length > 0 || !due.ok || !due.dueAt) return { ok: false, errors };
  return { ok: true, value: { title, ownerId, dueAt: due.dueAt, priority: priority as PriorityValue } };
}

/** private_metadata comes back from the client: parsed, never trusted. */
export const addMetadataSchema = z.object({ incidentId: z.uuid() });
export const editMetadataSchema = z.object({ actionItemId: z.uuid() });
