import type { PrismaClient } from '../db/prisma';
import { isUniqueViolation } from './errors';

/** True the first time a delivery id is seen; Slack's retries of the same event get false. */
export async function recordSlackDelivery(prisma: PrismaClient, deliveryId: string): Promise<boolean> {
  try {
    await prisma.slackDelivery.create({ data: { id: deliveryId.slice(0, 120) } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function slackDeliverySeen(prisma: PrismaClient, deliveryId: string): Promise<boolean> {
  return (await prisma.slackDelivery.count({ where: { id: deliveryId.slice(0, 120) } })) > 0;
}
