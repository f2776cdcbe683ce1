-- AlterTable
ALTER TABLE "Postmortem" ADD COLUMN     "statuspagePublishedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "StaleNudge" (
    "incidentId" UUID NOT NULL,
    "periodStartedAt" TIMESTAMP(3) NOT NULL,
    "leadId" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "slackMessageTs" TEXT,

    CONSTRAINT "StaleNudge_pkey" PRIMARY KEY ("incidentId","periodStartedAt")
);

-- AddForeignKey
ALTER TABLE "StaleNudge" ADD CONSTRAINT "StaleNudge_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;
