-- CreateEnum
CREATE TYPE "ActionItemPriority" AS ENUM ('HIGH', 'MEDIUM', 'LOW');

-- AlterTable
ALTER TABLE "ActionItem" ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "priority" "ActionItemPriority" NOT NULL DEFAULT 'MEDIUM';

-- CreateIndex
CREATE UNIQUE INDEX "ActionItem_idempotencyKey_key" ON "ActionItem"("idempotencyKey");
