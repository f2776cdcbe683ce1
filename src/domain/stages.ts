/**
 * The incident stage machine. Stages follow Atlassian Statuspage's incident statuses so that a
 * stage can be mirrored to a public status page without translation.
 */
export const STAGES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export interface StageTimes {
  declaredAt: Date;
  identifiedAt: Date | null;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
}

export type StageMove = 'forward' | 'back' | 'reopen';

export type StageMoveResult = { ok: true; move: StageMove; times: StageTimes } | { ok: false; error: string };

// Investigating has no key of its own: an incident is investigating from the moment it is declared.
const TIME_KEY = {
  identified: 'identifiedAt',
  monitoring: 'monitoringAt',
  resolved: 'resolvedAt',
} as const satisfies Record<Exclude<Stage, 'investigating'>, keyof StageTimes>;

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}

export function moveStage(from: Stage, to: Stage, times: StageTimes, at: Date): StageMoveResult {
  if (from === to) return { ok: false, error: `The incident is already ${STAGE_LABELS[to]}.` };
  // Monitoring means "a fix is in, watching it": that cannot follow a resolution without a
  // reopen, otherwise the timeline would claim a fix was being watched after the incident ended.
  if (from === 'resolved' && to === 'monitoring') {
    return {
      ok: false,
      error: 'A resolved incident cannot go to Monitoring; reopen it as Investigating or Identified first.',
    };
  }
  const move: StageMove =
    from === 'resolved' ? 'reopen' : stageIndex(to) > stageIndex(from) ? 'forward' : 'back';

  const next: StageTimes = { ...times };
  // Stored times describe the current path only; the timeline keeps the full history. Clearing on a
  // forward move is a no-op for consistent input and repairs inconsistent input.
  for (const stage of STAGES.slice(stageIndex(to) + 1)) {
    if (stage !== 'investigating') next[TIME_KEY[stage]] = null;
  }
  if (to !== 'investigating') next[TIME_KEY[to]] = at;
  return { ok: true, move, times: next };
}

export function parseStage(word: string): Stage | undefined {
  const wanted = word.trim().toLowerCase();
  return STAGES.find((stage) => stage === wanted);
}
