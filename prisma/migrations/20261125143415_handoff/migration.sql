-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "handoffActive" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "handoffAnsweredAt" TIMESTAMP(3),
ADD COLUMN     "handoffChannel" TEXT,
ADD COLUMN     "handoffEndedAt" TIMESTAMP(3),
ADD COLUMN     "handoffEscalatedAt" TIMESTAMP(3),
ADD COLUMN     "handoffThreadTs" TEXT;

-- CreateIndex
CREATE INDEX "Conversation_handoffChannel_handoffThreadTs_idx" ON "Conversation"("handoffChannel", "handoffThreadTs");

-- CreateIndex
CREATE INDEX "Conversation_handoffActive_handoffRequestedAt_idx" ON "Conversation"("handoffActive", "handoffRequestedAt");
