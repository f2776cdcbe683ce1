import type { PrismaClient } from '../db/prisma';

const FRESH_FOR_MS = 10_000;

/**
 * The ids of the configured components, for validating declare modals. Components change only
 * when a process syncs the components file at boot, so a short cache spares each declaration a
 * query before its ack; an id the cache does not know is looked up again before it is refused.
 */
export function knownComponents(prisma: PrismaClient, now: () => number = Date.now) {
  let ids: Set<string> | undefined;
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<Set<string>> | undefined;
  // One query however many submissions find the cache stale at once (a burst of declarations).
  const load = () =>
    (loading ??= (async () => {
      ids = new Set((await prisma.component.findMany({ select: { id: true } })).map((c) => c.id));
      loadedAt = now();
      return ids;
    })().finally(() => {
      loading = undefined;
    }));
  return {
    /** Resolves to the known ids, making sure every one of `wanted` is checked against the database. */
    async idsCovering(wanted: string[]): Promise<Set<string>> {
      const cached = ids && now() - loadedAt < FRESH_FOR_MS ? ids : await load();
      return wanted.every((id) => cached.has(id)) ? cached : load();
    },
  };
}

export type KnownComponents = ReturnType<typeof knownComponents>;
