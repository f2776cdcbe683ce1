import { z } from 'zod';
import { parseSeverity, type Severity } from '../../domain/severity';
import { parseStage, type Stage } from '../../domain/stages';
import { IMPACTS, MESSAGE_MAX, TITLE_MAX, type Impact } from '../blocks/modals';
import { INPUT_IDS } from '../ids';

/** Contract: Slack's `view.state.values`: block id → action id → element state. */
const elementState = z
  .object({
    value: z.string().nullish(),
    selected_option: z.object({ value: z.string() }).nullish(),
    selected_options: z.array(z.object({ value: z.string() })).nullish(),
    selected_user: z.string().nullish(),
    selected_date: z.string().nullish(),
  })
  .loose();
export const viewStateSchema = z.record(z.string(), z.record(z.string(), elementState));
export type ViewState = z.infer<typeof viewStateSchema>;

type Ids = { block: string; action: string };
const read = (state: ViewState, ids: Ids) => state[ids.block]?.[ids.action];

export type FieldErrors = Record<string, string>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export interface DeclareSubmission {
  title: string;
  severity: Severity;
  summary: string;
  componentIds: string[];
  leadId: string;
  isPrivate: boolean;
}

/** Field errors name what is wrong next to the field; the modal stays open. */
export function parseDeclareSubmission(
  state: ViewState,
  knownComponentIds: Set<string>,
): Parsed<DeclareSubmission> {
  const errors: FieldErrors = {};
  const title = (read(state, INPUT_IDS.title)?.value ?? '').trim();
  if (!title) errors[INPUT_IDS.title.block] = 'Give the incident a title.';
  else if (title.length > TITLE_MAX)
    errors[INPUT_IDS.title.block] = `Keep the title under ${TITLE_MAX} characters.`;
  const severity = parseSeverity(read(state, INPUT_IDS.severity)?.selected_option?.value ?? '');
  if (!severity) errors[INPUT_IDS.severity.block] = 'Choose a severity.';
  const summary = (read(state, INPUT_IDS.summary)?.value ?? '').trim();
  if (summary.length > MESSAGE_MAX)
    errors[INPUT_IDS.summary.block] = `Keep the summary under ${MESSAGE_MAX} characters.`;
  const componentIds = (read(state, INPUT_IDS.components)?.selected_options ?? []).map((o) => o.value);
  if (componentIds.some((id) => !knownComponentIds.has(id))) {
    errors[INPUT_IDS.components.block] = 'One of these components no longer exists; pick again.';
  }
  const leadId = read(state, INPUT_IDS.lead)?.selected_user ?? '';
  if (!/^[UW][A-Z0-9]+$/.test(leadId)) errors[INPUT_IDS.lead.block] = 'Choose who leads the incident.';
  const isPrivate = (read(state, INPUT_IDS.options)?.selected_options ?? []).some(
    (o) => o.value === 'private',
  );
  if (Object.keys(errors).length > 0 || !severity) return { ok: false, errors };
  return {
    ok: true,
    value: { title, severity, summary, componentIds: [...new Set(componentIds)], leadId, isPrivate },
  };
}

export interface UpdateSubmission {
  stage: Stage;
  publicMessage: string;
  internalNote: string;
  notifySubscribers: boolean;
  componentImpacts: { componentId: string; impact: Impact }[];
}

export function parseUpdateSubmission(
  state: ViewState,
  affectedComponentIds: Set<string>,
): Parsed<UpdateSubmission> {
  const errors: FieldErrors = {};
  const stage = parseStage(read(state, INPUT_IDS.stage)?.selected_option?.value ?? '');
  if (!stage) errors[INPUT_IDS.stage.block] = 'Choose a stage.';
  const publicMessage = (read(state, INPUT_IDS.publicMessage)?.value ?? '').trim();
  if (publicMessage.length > MESSAGE_MAX)
    errors[INPUT_IDS.publicMessage.block] = `Keep it under ${MESSAGE_MAX} characters.`;
  const internalNote = (read(state, INPUT_IDS.internalNote)?.value ?? '').trim();
  if (internalNote.length > MESSAGE_MAX)
    errors[INPUT_IDS.internalNote.block] = `Keep it under ${MESSAGE_MAX} characters.`;
  const notifySubscribers = (read(state, INPUT_IDS.notify)?.selected_options ?? []).some(
    (o) => o.value === 'notify',
  );
  const componentImpacts: UpdateSubmission['componentImpacts'] = [];
  for (const [blockId, actions] of Object.entries(state)) {
    if (!blockId.startsWith(INPUT_IDS.componentImpact.blockPrefix)) continue;
    const componentId = blockId.slice(INPUT_IDS.componentImpact.blockPrefix.length);
    const impact = actions[INPUT_IDS.componentImpact.action]?.selected_option?.value;
    if (!affectedComponentIds.has(componentId) || !(IMPACTS as readonly string[]).includes(impact ?? '')) {
      errors[blockId] = 'Choose one of the listed impacts.';
      continue;
    }
    componentImpacts.push({ componentId, impact: impact as Impact });
  }
  if (Object.keys(errors).length > 0 || !stage) return { ok: false, errors };
  return { ok: true, value: { stage, publicMessage, internalNote, notifySubscribers, componentImpacts } };
}

/** private_metadata comes back from the client: never trust it without parsing. */
export const updateMetadataSchema = z.object({ incidentId: z.uuid(), version: z.number().int().min(1) });

export function parseMetadata<T>(schema: z.ZodType<T>, raw: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
