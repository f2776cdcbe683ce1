import type { PrismaClient } from '../../src/db/prisma';
import { addTimelineMessage } from '../../src/services/add-timeline-message';
import { outboxIdFor } from '../../src/jobs/outbox-topics';
import { applyIncidentCommand } from '../../src/services/apply-incident-command';
import { declareIncident, type DeclareIncidentInput } from '../../src/services/declare-incident';
import { loadIncidentStats } from '../../src/services/incident-stats';
import { migratedPrismaDatabase, type PrismaDatabase } from '../support/prisma-database';

describe('incident services (real PostgreSQL)', () => {
  let prisma: PrismaClient;
  let key = 0;
  let database: PrismaDatabase;

  beforeAll(async () => {
    database = await migratedPrismaDatabase('services');
    ({ prisma } = database);
  });
  afterAll(async () => database.close());

  const declaration = (overrides: Partial<DeclareIncidentInput> = {}): DeclareIncidentInput => ({
    title: 'SEI - Team Settings and Efficiency Insights Inaccessible',
    summary: 'Users cannot load team settings.',
    severity: 'SEV2',
    componentIds: [],
    leadId: 'U0LEAD',
    declaredById: 'U0DECLARER',
    isPrivate: false,
    idempotencyKey: `view:V${(key += 1)}`,
    at: new Date('2026-02-13T06:51:00Z'),
    ...overrides,
  });
  const statusUpdate = (stage: 'identified' | 'monitoring' | 'resolved', minute: number, message = '') => ({
    type: 'post_update' as const,
    stage,
    publicMessage: message,
    internalNote: '',
    notifySubscribers: true,
    requireStageChange: false,
    at: new Date(Date.UTC(2026, 1, 13, 7, minute)),
  });

  it('declares an incident with its lead, first update, timeline and outbox rows in one go', async () => {
    const { incident, created, outboxIds } = await declareIncident(prisma, declaration());
    expect(created).toBe(true);
    expect(incident).toMatchObject({ status: 'INVESTIGATING', severity: 'SEV2', version: 1 });
    const [roles, updates, timeline, outbox] = await Promise.all([
      prisma.incidentRole.findMany({ where: { incidentId: incident.id } }),
      prisma.incidentUpdate.findMany({ where: { incidentId: incident.id } }),
      prisma.timelineEvent.findMany({ where: { incidentId: incident.id } }),
      prisma.outboxMessage.findMany({ where: { id: { in: outboxIds } }, orderBy: { topic: 'asc' } }),
    ]);
    expect(roles.map((r) => [r.role, r.userId])).toEqual([['lead', 'U0LEAD']]);
    expect(updates.map((u) => [u.status, u.publicMessage])).toEqual([
      ['INVESTIGATING', 'Users cannot load team settings.'],
    ]);
    expect(timeline.map((t) => t.kind)).toEqual(['declared']);
    expect(outbox.map((o) => [o.topic, o.status])).toEqual([
      ['slack.incident_declared', 'PENDING'],
      ['statuspage.publish', 'PENDING'],
    ]);
  });

  it('queues the announcement in the same transaction, under its fixed id, for a public incident only', async () => {
    const open = await declareIncident(prisma, declaration({ announce: true }));
    const rows = await prisma.outboxMessage.findMany({ where: { id: { in: open.outboxIds } } });
    expect(rows.map((o) => o.topic).sort()).toEqual([
      'slack.incident_announced',
      'slack.incident_declared',
      'statuspage.publish',
    ]);
    expect(rows.find((o) => o.topic === 'slack.incident_announced')!.id).toBe(
      outboxIdFor(`announcement:${open.incident.id}`),
    );
    // The declaration row says so: its job queues no second announcement.
    expect(rows.find((o) => o.topic === 'slack.incident_declared')!.payload).toEqual({
      v: 1,
      incidentId: open.incident.id,
      announcedSeparately: true,
    });
    const hidden = await declareIncident(prisma, declaration({ announce: true, isPrivate: true }));
    const topics = await prisma.outboxMessage.findMany({ where: { id: { in: hidden.outboxIds } } });
    expect(topics.map((o) => o.topic)).toEqual(['slack.incident_declared']);
  });

  it('declares once per form, even when the same submission arrives twice at the same moment', async () => {
    const input = declaration();
    const [a, b] = await Promise.all([declareIncident(prisma, input), declareIncident(prisma, input)]);
    expect(a.incident.id).toBe(b.incident.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(await prisma.incident.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
  });

  it('writes no status page outbox row for a private incident', async () => {
    const { outboxIds } = await declareIncident(prisma, declaration({ isPrivate: true }));
    const topics = (await prisma.outboxMessage.findMany({ where: { id: { in: outboxIds } } })).map(
      (o) => o.topic,
    );
    expect(topics).toEqual(['slack.incident_declared']);
  });

  it('keeps both of two updates submitted at the same time (optimistic locking retries)', async () => {
    const { incident } = await declareIncident(prisma, declaration());
    const results = await Promise.all([
      applyIncidentCommand(prisma, incident.id, statusUpdate('identified', 15, 'Found it.'), {
        actorId: 'U1',
      }),
      applyIncidentCommand(
        prisma,
        incident.id,
        { ...statusUpdate('identified', 15, 'Same here.'), requireStageChange: false },
        { actorId: 'U2' },
      ),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const after = await prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });
    expect(after).toMatchObject({ status: 'IDENTIFIED', version: 3 });
    const messages = (await prisma.incidentUpdate.findMany({ where: { incidentId: incident.id } })).map(
      (u) => u.publicMessage,
    );
    expect(messages.sort()).toEqual(['Found it.', 'Same here.', 'Users cannot load team settings.']);
  });

  it('tells the later of two conflicting moves why it no longer applies, and changes nothing for it', async () => {
    const { incident } = await declareIncident(prisma, declaration());
    const resolve = { ...statusUpdate('resolved', 21), requireStageChange: true };
    const [first, second] = await Promise.all([
      applyIncidentCommand(prisma, incident.id, resolve, { actorId: 'U1' }),
      applyIncidentCommand(prisma, incident.id, resolve, { actorId: 'U2' }),
    ]);
    const failures = [first, second].filter((r) => !r.ok);
    expect(failures).toEqual([
      expect.objectContaining({ ok: false, error: 'The incident is already Resolved.' }),
    ]);
    expect(
      await prisma.incidentUpdate.count({ where: { incidentId: incident.id, status: 'RESOLVED' } }),
    ).toBe(1);
  });

  it('applies a repeated update submission once', async () => {
    const { incident } = await declareIncident(prisma, declaration());
    const command = statusUpdate('monitoring', 40);
    const first = await applyIncidentCommand(prisma, incident.id, command, {
      actorId: 'U1',
      idempotencyKey: 'view:VUPDATE',
    });
    const again = await applyIncidentCommand(prisma, incident.id, command, {
      actorId: 'U1',
      idempotencyKey: 'view:VUPDATE',
    });
    expect(first.ok && first.duplicate).toBe(false);
    expect(again.ok && again.duplicate).toBe(true);
    expect(await prisma.incidentUpdate.count({ where: { idempotencyKey: 'view:VUPDATE' } })).toBe(1);
  });

  it('stores stage times and ends the impact window on resolve', async () => {
    const { incident } = await declareIncident(prisma, declaration());
    await applyIncidentCommand(prisma, incident.id, statusUpdate('identified', 15), { actorId: 'U1' });
    await applyIncidentCommand(prisma, incident.id, statusUpdate('monitoring', 10 + 60 * 3), {
      actorId: 'U1',
    });
    const resolved = await applyIncidentCommand(prisma, incident.id, statusUpdate('resolved', 21 + 60 * 3), {
      actorId: 'U1',
    });
    expect(resolved.ok && resolved.incident).toMatchObject({
      identifiedAt: new Date('2026-02-13T07:15:00Z'),
      monitoringAt: new Date('2026-02-13T10:10:00Z'),
      resolvedAt: new Date('2026-02-13T10:21:00Z'),
      impactEndedAt: new Date('2026-02-13T10:21:00Z'),
    });
  });

  it('adds a Slack message to the timeline once, dated when it was said', async () => {
    const { incident } = await declareIncident(prisma, declaration());
    const input = {
      incidentId: incident.id,
      actorId: 'U1',
      authorId: 'U2',
      text: 'Rolled back the deploy <!channel>',
      channelId: 'C0INC',
      messageTs: '1770966000.000100',
      at: new Date(),
    };
    const [a, b] = await Promise.all([addTimelineMessage(prisma, input), addTimelineMessage(prisma, input)]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.event.occurredAt).toEqual(new Date(1770966000000));
    expect(
      await prisma.timelineEvent.count({ where: { incidentId: incident.id, kind: 'message_added' } }),
    ).toBe(1);
  });

  it("counts private incidents in the team's stats but never in the public ones", async () => {
    const since = new Date('2026-01-01T00:00:00Z');
    const before = await loadIncidentStats(prisma, since, { includePrivate: true });
    const publicBefore = await loadIncidentStats(prisma, since, { includePrivate: false });
    await declareIncident(prisma, declaration({ isPrivate: true, severity: 'SEV1' }));
    expect((await loadIncidentStats(prisma, since, { includePrivate: true })).incidents).toBe(
      before.incidents + 1,
    );
    expect((await loadIncidentStats(prisma, since, { includePrivate: false })).incidents).toBe(
      publicBefore.incidents,
    );
  });
});
