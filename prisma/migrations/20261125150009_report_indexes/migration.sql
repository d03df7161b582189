-- CreateIndex
CREATE INDEX "Complaint_resolvedAt_idx" ON "Complaint"("resolvedAt");

-- CreateIndex
CREATE INDEX "Ticket_completedAt_idx" ON "Ticket"("completedAt");

-- CreateIndex
CREATE INDEX "Ticket_diagnosedAt_idx" ON "Ticket"("diagnosedAt");
