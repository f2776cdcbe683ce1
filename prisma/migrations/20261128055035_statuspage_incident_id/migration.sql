-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "statuspageIncidentId" TEXT;
