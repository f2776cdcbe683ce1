-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "announcementChannelId" TEXT;

-- AlterTable
ALTER TABLE "IncidentUpdate" ADD COLUMN     "announcementReplyTs" TEXT,
ADD COLUMN     "channelMessageTs" TEXT;

-- AlterTable
ALTER TABLE "TimelineEvent" ADD COLUMN     "channelPostTs" TEXT;

-- CreateTable
CREATE TABLE "SlackDelivery" (
    "id" VARCHAR(120) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SlackDelivery_pkey" PRIMARY KEY ("id")
);
