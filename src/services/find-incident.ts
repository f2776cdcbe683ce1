import type { PrismaClient } from '../db/prisma';

/** The incident whose channel this is, if any (stage commands work only there). */
export function findIncidentByChannel(prisma: PrismaClient, channelId: string) {
  return prisma.incident.findUnique({ where: { slackChannelId: channelId }, include: { roles: true } });
}

/** Open public incidents: `/incident list` answers anyone, so private incidents stay out of it. */
export function listOpenIncidents(prisma: PrismaClient, limit = 25) {
  return prisma.incident.findMany({
    where: { status: { not: 'RESOLVED' }, isPrivate: false },
    orderBy: { declaredAt: 'desc' },
    take: limit,
    include: { roles: true },
  });
}

export function getIncidentTimeline(prisma: PrismaClient, incidentId: string) {
  return prisma.timelineEvent.findMany({
    where: { incidentId },
    orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
  });
}
