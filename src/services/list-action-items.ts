import { incidentKey } from '../db/incident-mapping';
import type { PrismaClient } from '../db/prisma';
import { closedOnTime, isOverdue } from '../domain/due-date';
import type { ActionItemLine } from '../slack/blocks/action-items';

const DAY_MS = 86_400_000;
const OPEN = ['OPEN', 'IN_PROGRESS'] as const;
const LIMIT = 100;

type Row = Awaited<ReturnType<typeof query>>[number];

function query(prisma: PrismaClient, where: Parameters<PrismaClient['actionItem']['findMany']>[0]) {
  return prisma.actionItem.findMany({
    ...where,
    include: { incident: { select: { number: true, isPrivate: true, slackChannelId: true } } },
    orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }],
    take: LIMIT,
  });
}

const toLine = (row: Row, hidePrivate: boolean): ActionItemLine => ({
  id: row.id,
  title: row.title,
  ownerId: row.ownerId,
  dueAt: row.dueAt,
  priority: row.priority,
  state: row.state,
  incidentKey: incidentKey(row.incident),
  hidden: hidePrivate && row.incident.isPrivate,
});

/** Every item of one incident (asked in its channel, so private ones are shown). */
export async function listIncidentActionItems(prisma: PrismaClient, incidentId: string) {
  return (await query(prisma, { where: { incidentId } })).map((row) => toLine(row, false));
}

/** Open items a person owns (their own, so private ones are shown). */
export async function listOwnedActionItems(prisma: PrismaClient, ownerId: string) {
  return (await query(prisma, { where: { ownerId, state: { in: [...OPEN] } } })).map((row) =>
    toLine(row, false),
  );
}

/** Open items whose due date has passed, for anyone: titles from private incidents are hidden. */
export async function listOverdueActionItems(prisma: PrismaClient, now: Date) {
  const rows = await query(prisma, {
    where: { state: { in: [...OPEN] }, dueAt: { lte: new Date(now.getTime() - DAY_MS) } },
  });
  return rows.filter((row) => isOverdue(row.dueAt, now)).map((row) => toLine(row, true));
}

export interface TeamCounts {
  team: string;
  open: number;
  overdue: number;
  closedOnTime: number;
  closedLate: number;
}

/**
 * Counts per team for the weekly digest: open and overdue now, and closed in the last 7 days on
 * time or late. Team = the owner's configured team, else "Reports to <@manager>", else "No team".
 */
export async function countActionItemsByTeam(
  prisma: PrismaClient,
  input: { now: Date; teams: Record<string, string>; managers: Record<string, string> },
): Promise<TeamCounts[]> {
  const weekAgo = new Date(input.now.getTime() - 7 * DAY_MS);
  const rows = await prisma.actionItem.findMany({
    where: {
      OR: [{ state: { in: [...OPEN] } }, { state: 'DONE', completedAt: { gte: weekAgo } }],
    },
    select: { ownerId: true, managerId: true, state: true, dueAt: true, completedAt: true },
  });
  const byTeam = new Map<string, TeamCounts>();
  for (const row of rows) {
    const manager = input.managers[row.ownerId] ?? row.managerId;
    const team = input.teams[row.ownerId] ?? (manager ? `Reports to <@${manager}>` : 'No team');
    const counts = byTeam.get(team) ?? { team, open: 0, overdue: 0, closedOnTime: 0, closedLate: 0 };
    if (row.state === 'DONE' && row.completedAt) {
      if (closedOnTime(row.dueAt, row.completedAt)) counts.closedOnTime += 1;
      else counts.closedLate += 1;
    } else {
      counts.open += 1;
      if (isOverdue(row.dueAt, input.now)) counts.overdue += 1;
    }
    byTeam.set(team, counts);
  }
  return [...byTeam.values()].sort((a, b) => b.overdue - a.overdue || a.team.localeCompare(b.team));
}
