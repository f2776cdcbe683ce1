-- CreateIndex
CREATE INDEX "OutboxMessage_aggregateId_status_createdAt_idx" ON "OutboxMessage"("aggregateId", "status", "createdAt");
