-- AlterEnum
ALTER TYPE "ReminderRecipient" ADD VALUE 'TEAM_CHANNEL';

-- AlterTable
ALTER TABLE "ActionItem" ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "nextReminderAt" TIMESTAMP(3),
ADD COLUMN     "nextReminderSlot" INTEGER,
ADD COLUMN     "overdueReminders" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reminderEpoch" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "snoozedUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ActionItemReminder" ADD COLUMN     "slot" VARCHAR(40);

-- CreateIndex
CREATE INDEX "ActionItem_state_nextReminderAt_idx" ON "ActionItem"("state", "nextReminderAt");

-- CreateIndex
CREATE UNIQUE INDEX "ActionItemReminder_actionItemId_slot_recipient_key" ON "ActionItemReminder"("actionItemId", "slot", "recipient");
