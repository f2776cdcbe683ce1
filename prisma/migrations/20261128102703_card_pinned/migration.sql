-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "summaryPinnedAt" TIMESTAMP(3);
