import type { Queue } from 'bullmq';
import { Prisma } from '../generated/prisma/client';
import type { ReminderClock } from '../jobs/reminder-clock';
import type { DeliveryDeps } from './reminder-delivery';
import { sweepDue, type SweepOptions, type SweepResult } from './sweep-due-reminders';

/**
 * How long before a due moment its sweep job starts: time to open database connections and read
 * what is due while nothing is, so that at the moment itself only claiming and sending is left.
 */
export const PREPARE_MS = 1500;
/**
 * With sweeping on, how long (clock ms) after its moment an item's own job runs: by then the
 * moment's sweep job has sent the burst, so the item's job only plans the next slot, and it sends
 * only what the sweep could not (its job lost, a Slack error, a rate limit), that much later.
 */
export const OWN_JOB_LAG_MS = 5000;
/** Sweeps one due-moment job runs side by side (each up to SweepOptions.inFlight DMs at once). */
const PARALLEL_SWEEPS = 4;
/** Database connections opened ahead of the moment (the pool's size caps it). */
const WARM_CONNECTIONS = 8;
/** No item has this id: the due-moment sweep has no job item of its own to leave out. */
const NO_ITEM = '00000000-0000-0000-0000-000000000000';

/** Contract: payload of a `sweep` job on the reminders queue. Add fields, never rename. */
export interface DueMomentJobData {
  v: 1;
  /** The due moment (ISO): nothing is claimed before it. */
  at: string;
}

export function dueMomentJobId(at: Date): string {
  return `sweep-${at.getTime()}`;
}

export function dueMomentJob(at: Date, clock: ReminderClock) {
  const data: DueMomentJobData = { v: 1, at: at.toISOString() };
  return {
    name: 'sweep',
    data,
    opts: {
      jobId: dueMomentJobId(at),
      delay: Math.max(0, clock.msUntil(at) - PREPARE_MS),
      attempts: 3,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
    },
  };
}

/** Due moments whose sweep job this process added already, per queue: one Redis call per moment. */
const added = new WeakMap<Queue, Set<number>>();
const REMEMBERED = 10_000;

/**
 * Makes sure the due moment `at` has its sweep job. Best effort and idempotent (one job id per
 * moment): the items' own jobs still send every reminder if it is missing or fails.
 */
export async function scheduleDueMomentSweep(queue: Queue, at: Date, clock: ReminderClock): Promise<void> {
  let moments = added.get(queue);
  if (!moments) added.set(queue, (moments = new Set()));
  if (moments.has(at.getTime())) return;
  if (moments.size >= REMEMBERED) moments.clear();
  const job = dueMomentJob(at, clock);
  await queue.add(job.name, job.data, job.opts);
  moments.add(at.getTime());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The sweep job of a due moment, started PREPARE_MS ahead: warms the database connections and
 * counts what is due, waits for the moment, then sweeps everything due by then (several sweeps
 * side by side, each claiming `size` at a time) so the burst does not wait for BullMQ to promote,
 * hand out and start a thousand jobs. Claims read the items' state at the moment itself (done or
 * snoozed items are never claimed) and nothing is sent before it.
 */
export async function runDueMomentSweep(
  deps: DeliveryDeps,
  options: SweepOptions,
  at: Date,
  clock: ReminderClock,
): Promise<SweepResult> {
  const total: SweepResult = { claimed: 0, sent: 0, released: 0 };
  if (options.size <= 0) return total;
  const [[due]] = await Promise.all([
    deps.prisma.$queryRaw<{ n: number }[]>(Prisma.sql`
      SELECT count(*)::int AS n FROM "ActionItem"
      WHERE state IN ('OPEN', 'IN_PROGRESS') AND "nextReminderAt" = ${at}`),
    // Connections opened now are idle, not closed, at the moment (the pool keeps them 10 s).
    ...Array.from({ length: WARM_CONNECTIONS - 1 }, () => deps.prisma.$queryRaw`SELECT 1`),
  ]);
  for (let wait = clock.msUntil(at); wait > 0; wait = clock.msUntil(at)) await sleep(wait);
  const sweeps = Math.min(PARALLEL_SWEEPS, Math.max(1, Math.ceil((due?.n ?? 0) / options.size)));
  let stopped = false;
  // Items whose DM failed here: their own jobs retry them (and fail the job on a permanent error).
  const released: string[] = [NO_ITEM];
  const sweep = async () => {
    const dueBy = new Date(Math.max(deps.now().getTime(), at.getTime()));
    const swept = await sweepDue(deps, options, { dueBy, except: released });
    total.claimed += swept.result.claimed;
    total.sent += swept.result.sent;
    total.released += swept.result.released;
    released.push(...swept.releasedItems);
    // Slack asked us to wait: the items' own jobs take the rest, honouring Retry-After.
    if (swept.rateLimited) stopped = true;
    return swept.result.claimed;
  };
  // A sweep skips the rows the others are claiming at that instant (SKIP LOCKED), so a short claim
  // does not mean nothing is left: each keeps going until it finds nothing, then one last look.
  await Promise.all(
    Array.from({ length: sweeps }, async () => {
      while (!stopped && (await sweep()) > 0);
    }),
  );
  while (!stopped && (await sweep()) > 0);
  return total;
}
