import { decide, DEFAULT_STAGE_MESSAGES, type IncidentSnapshot } from '../../../src/domain/incident';

const at = new Date('2026-02-13T07:15:00Z');
const snapshot = (overrides: Partial<IncidentSnapshot> = {}): IncidentSnapshot => ({
  stage: 'investigating',
  severity: 'SEV2',
  isPrivate: false,
  times: {
    declaredAt: new Date('2026-02-13T06:51:00Z'),
    identifiedAt: null,
    monitoringAt: null,
    resolvedAt: null,
  },
  roles: { lead: 'U0LEAD' },
  ...overrides,
});
const update = (
  stage: IncidentSnapshot['stage'],
  extra: Partial<{ publicMessage: string; requireStageChange: boolean }> = {},
) => ({
  type: 'post_update' as const,
  stage,
  publicMessage: extra.publicMessage ?? '',
  internalNote: ' db pool exhausted ',
  notifySubscribers: true,
  requireStageChange: extra.requireStageChange ?? true,
  at,
});

describe('decide', () => {
  it('moves the stage, records the update with the default message, and asks for Slack and the status page', () => {
    const decision = decide(snapshot(), update('identified'));
    expect(decision).toEqual({
      ok: true,
      next: expect.objectContaining({
        stage: 'identified',
        times: expect.objectContaining({ identifiedAt: at }),
      }),
      effects: [
        {
          type: 'record_update',
          stage: 'identified',
          publicMessage: DEFAULT_STAGE_MESSAGES.identified,
          internalNote: 'db pool exhausted',
          notifySubscribers: true,
        },
        {
          type: 'record_timeline',
          kind: 'stage_changed',
          text: 'Investigating → Identified',
          data: { from: 'investigating', to: 'identified', move: 'forward' },
        },
        { type: 'announce_in_slack' },
        { type: 'publish_status_page' },
      ],
    });
  });

  it('never publishes a private incident', () => {
    const decision = decide(snapshot({ isPrivate: true }), update('identified'));
    expect(decision.ok && decision.effects.map((e) => e.type)).toEqual([
      'record_update',
      'record_timeline',
      'announce_in_slack',
    ]);
  });

  it('an update that keeps the stage is allowed from the modal and refused from `/incident status`', () => {
    const fromModal = decide(
      snapshot(),
      update('investigating', { requireStageChange: false, publicMessage: 'Still looking.' }),
    );
    expect(fromModal.ok && fromModal.effects[1]).toEqual({
      type: 'record_timeline',
      kind: 'update_posted',
      text: 'Still looking.',
      data: { stage: 'investigating' },
    });
    expect(decide(snapshot(), update('investigating'))).toEqual({
      ok: false,
      error: 'The incident is already Investigating.',
    });
  });

  it('labels moves back and reopenings on the timeline', () => {
    const back = decide(snapshot({ stage: 'monitoring' }), update('identified'));
    expect(back.ok && back.effects[1]).toMatchObject({ text: 'Monitoring → Identified (back)' });
    const reopen = decide(snapshot({ stage: 'resolved' }), update('investigating'));
    expect(reopen.ok && reopen.effects[1]).toMatchObject({ text: 'Resolved → Investigating (reopen)' });
    expect(decide(snapshot({ stage: 'resolved' }), update('monitoring')).ok).toBe(false);
  });

  it('changes severity and refuses a no-op', () => {
    const decision = decide(snapshot(), { type: 'change_severity', severity: 'SEV1', at });
    expect(decision.ok && decision.next.severity).toBe('SEV1');
    expect(decision.ok && decision.effects).toEqual([
      {
        type: 'record_timeline',
        kind: 'severity_changed',
        text: 'Severity SEV2 → SEV1',
        data: { from: 'SEV2', to: 'SEV1' },
      },
      { type: 'announce_in_slack' },
    ]);
    expect(decide(snapshot(), { type: 'change_severity', severity: 'SEV2', at })).toEqual({
      ok: false,
      error: 'The incident is already SEV2.',
    });
  });

  it('assigns roles, remembering who had them', () => {
    const decision = decide(snapshot(), { type: 'assign_role', role: 'lead', userId: 'U0NEW', at });
    expect(decision.ok && decision.next.roles).toEqual({ lead: 'U0NEW' });
    expect(decision.ok && decision.effects[0]).toEqual({
      type: 'record_timeline',
      kind: 'role_assigned',
      text: 'Incident lead: <@U0NEW>',
      data: { role: 'lead', userId: 'U0NEW', previousUserId: 'U0LEAD' },
    });
    expect(decide(snapshot(), { type: 'assign_role', role: 'lead', userId: 'U0LEAD', at }).ok).toBe(false);
  });
});
