-- AlterTable
ALTER TABLE "IncidentUpdate" ADD COLUMN     "componentImpacts" JSONB;
