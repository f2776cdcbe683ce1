import { SLACK_LIMITS, truncate } from '../../domain/mrkdwn';
import { SEVERITIES, SEVERITY_INFO, type Severity } from '../../domain/severity';
import { STAGE_LABELS, STAGES, type Stage } from '../../domain/stages';
import { INPUT_IDS, VIEW_IDS } from '../ids';

export const TITLE_MAX = 120;
export const MESSAGE_MAX = 2000;
export const IMPACTS = ['OPERATIONAL', 'DEGRADED_PERFORMANCE', 'PARTIAL_OUTAGE', 'MAJOR_OUTAGE'] as const;
export type Impact = (typeof IMPACTS)[number];
const IMPACT_LABELS: Record<Impact, string> = {
  OPERATIONAL: 'Operational',
  DEGRADED_PERFORMANCE: 'Degraded performance',
  PARTIAL_OUTAGE: 'Partial outage',
  MAJOR_OUTAGE: 'Major outage',
};
/** Slack allows a limited number of inputs per modal; impacts beyond this are edited later. */
export const MAX_IMPACT_INPUTS = 10;

const plain = (text: string) => ({
  type: 'plain_text' as const,
  text: truncate(text, SLACK_LIMITS.optionText),
});
const option = (value: string, text: string, description?: string) => ({
  value,
  text: plain(text),
  ...(description ? { description: plain(description) } : {}),
});

export interface ComponentChoice {
  id: string;
  name: string;
  group: string | null;
}

function componentsBlock(components: ComponentChoice[]) {
  const groups = new Map<string, ComponentChoice[]>();
  for (const component of components) {
    const group = component.group ?? 'Other';
    groups.set(group, [...(groups.get(group) ?? []), component]);
  }
  return {
    type: 'input',
    optional: true,
    block_id: INPUT_IDS.components.block,
    label: plain('Affected components'),
    element: {
      type: 'multi_static_select',
      action_id: INPUT_IDS.components.action,
      placeholder: plain('Pick the components people cannot use'),
      option_groups: [...groups.entries()].slice(0, 100).map(([label, members]) => ({
        label: plain(label),
        options: members.slice(0, 100).map((c) => option(c.id, `${c.name}`)),
      })),
    },
  };
}

export function declareModal(input: {
  title: string;
  declaredById: string;
  components: ComponentChoice[];
  originChannelId?: string;
}) {
  return {
    type: 'modal' as const,
    callback_id: VIEW_IDS.declare,
    private_metadata: JSON.stringify({ originChannelId: input.originChannelId ?? null }),
    title: plain('Declare an incident'),
    submit: plain('Declare'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: INPUT_IDS.title.block,
        label: plain('Title'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_IDS.title.action,
          max_length: TITLE_MAX,
          placeholder: plain('What is broken, for whom?'),
          ...(input.title ? { initial_value: truncate(input.title, TITLE_MAX) } : {}),
        },
      },
      {
        type: 'input',
        block_id: INPUT_IDS.severity.block,
        label: plain('Severity'),
        element: {
          type: 'static_select',
          action_id: INPUT_IDS.severity.action,
          initial_option: option('SEV3', `SEV3: ${SEVERITY_INFO.SEV3.label}`, SEVERITY_INFO.SEV3.description),
          options: SEVERITIES.map((s: Severity) =>
            option(s, `${s}: ${SEVERITY_INFO[s].label}`, SEVERITY_INFO[s].description),
          ),
        },
      },
      {
        type: 'input',
        optional: true,
        block_id: INPUT_IDS.summary.block,
        label: plain('Summary (shown on the status page)'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_IDS.summary.action,
          multiline: true,
          max_length: MESSAGE_MAX,
        },
      },
      ...(input.components.length > 0 ? [componentsBlock(input.components)] : []),
      {
        type: 'input',
        block_id: INPUT_IDS.lead.block,
        label: plain('Incident lead'),
        element: { type: 'users_select', action_id: INPUT_IDS.lead.action, initial_user: input.declaredById },
      },
      {
        type: 'input',
        optional: true,
        block_id: INPUT_IDS.options.block,
        label: plain('Visibility'),
        element: {
          type: 'checkboxes',
          action_id: INPUT_IDS.options.action,
          options: [option('private', 'Private incident', 'Private channel; nothing on the status page')],
        },
      },
    ],
  };
}

export function updateModal(input: {
  incidentId: string;
  incidentKey: string;
  version: number;
  stage: Stage;
  components: { id: string; name: string; impact: Impact }[];
}) {
  const stageOption = (stage: Stage) => option(stage, STAGE_LABELS[stage]);
  return {
    type: 'modal' as const,
    callback_id: VIEW_IDS.update,
    private_metadata: JSON.stringify({ incidentId: input.incidentId, version: input.version }),
    title: plain(`Update ${input.incidentKey}`),
    submit: plain('Post update'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: INPUT_IDS.stage.block,
        label: plain('Stage'),
        element: {
          type: 'static_select',
          action_id: INPUT_IDS.stage.action,
          initial_option: stageOption(input.stage),
          options: STAGES.map(stageOption),
        },
      },
      {
        type: 'input',
        optional: true,
        block_id: INPUT_IDS.publicMessage.block,
        label: plain('Public message (status page)'),
        hint: plain('Leave empty for the standard message of the stage'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_IDS.publicMessage.action,
          multiline: true,
          max_length: MESSAGE_MAX,
        },
      },
      {
        type: 'input',
        optional: true,
        block_id: INPUT_IDS.internalNote.block,
        label: plain('Internal note (never public)'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_IDS.internalNote.action,
          multiline: true,
          max_length: MESSAGE_MAX,
        },
      },
      ...input.components.slice(0, MAX_IMPACT_INPUTS).map((component) => ({
        type: 'input',
        block_id: `${INPUT_IDS.componentImpact.blockPrefix}${component.id}`,
        label: plain(component.name),
        element: {
          type: 'static_select',
          action_id: INPUT_IDS.componentImpact.action,
          initial_option: option(component.impact, IMPACT_LABELS[component.impact]),
          options: IMPACTS.map((impact) => option(impact, IMPACT_LABELS[impact])),
        },
      })),
      {
        type: 'input',
        optional: true,
        block_id: INPUT_IDS.notify.block,
        label: plain('Subscribers'),
        element: {
          type: 'checkboxes',
          action_id: INPUT_IDS.notify.action,
          initial_options: [option('notify', 'Notify status page subscribers')],
          options: [option('notify', 'Notify status page subscribers')],
        },
      },
    ],
  };
}
