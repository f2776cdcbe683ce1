import type { ComponentsConfig } from '../config/components-file';
import type { PrismaClient } from '../db/prisma';
import { isUniqueViolation } from './errors';

/**
 * Makes the database's components match the components file: creates what is new and keeps the
 * order. Components no longer listed stay (past incidents refer to them). Safe to run from
 * several processes at boot: a lost race is simply run again.
 */
export async function syncComponents(prisma: PrismaClient, config: ComponentsConfig): Promise<number> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await prisma.$transaction(async (tx) => {
        let count = 0;
        for (const [groupPosition, group] of config.groups.entries()) {
          const stored = await tx.componentGroup.upsert({
            where: { name: group.name },
            create: { name: group.name, position: groupPosition },
            update: { position: groupPosition },
          });
          for (const [position, name] of group.components.entries()) {
            await tx.component.upsert({
              where: { groupId_name: { groupId: stored.id, name } },
              create: { name, groupId: stored.id, position },
              update: { position },
            });
            count += 1;
          }
        }
        return count;
      });
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 2) throw error;
    }
  }
}
