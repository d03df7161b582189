-- CreateEnum
CREATE TYPE "RootCause" AS ENUM ('product_defect', 'improper_use', 'environment', 'wear', 'other');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "MessageStatus" ADD VALUE 'queued';
ALTER TYPE "MessageStatus" ADD VALUE 'sent';
ALTER TYPE "MessageStatus" ADD VALUE 'failed';

-- AlterTable
ALTER TABLE "Deadline" ADD COLUMN     "startsAt" TIMESTAMP(3),
ADD COLUMN     "warnedAt" TIMESTAMP(3);

-- Edited by hand: existing deadlines opened when their ticket was submitted.
UPDATE "Deadline" d SET "startsAt" = t."createdAt" FROM "Ticket" t WHERE t."id" = d."ticketId";
ALTER TABLE "Deadline" ALTER COLUMN "startsAt" SET NOT NULL;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "kind" TEXT,
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "sentAt" TIMESTAMP(3),
ADD COLUMN     "ticketId" UUID;

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "appointmentAt" TIMESTAMP(3),
ADD COLUMN     "arrivedAt" TIMESTAMP(3),
ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "category" TEXT,
ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "completedAt" TIMESTAMP(3),
ADD COLUMN     "diagnosedAt" TIMESTAMP(3),
ADD COLUMN     "findings" TEXT,
ADD COLUMN     "forceMajeure" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "forceMajeureNote" TEXT,
ADD COLUMN     "respondedAt" TIMESTAMP(3),
ADD COLUMN     "rootCause" "RootCause",
ADD COLUMN     "serviceValue" DECIMAL(12,2) NOT NULL DEFAULT 0,
ADD COLUMN     "shipment" TEXT,
ADD COLUMN     "shippedAt" TIMESTAMP(3),
ADD COLUMN     "slackChannel" TEXT,
ADD COLUMN     "slackTs" TEXT,
ADD COLUMN     "solution" TEXT,
ADD COLUMN     "technicianId" UUID,
ADD COLUMN     "testedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "DeadlineBreach" (
    "id" UUID NOT NULL,
    "deadlineId" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "kind" "DeadlineKind" NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "breachedAt" TIMESTAMP(3) NOT NULL,
    "serviceValue" DECIMAL(12,2) NOT NULL,
    "damages" DECIMAL(12,2) NOT NULL,
    "forceMajeure" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "DeadlineBreach_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Technician" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT,
    "slackUserId" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Technician_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartUsage" (
    "id" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "partNumber" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "genuine" BOOLEAN NOT NULL,
    "fittedAt" TIMESTAMP(3) NOT NULL,
    "warrantyEndsAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PartUsage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedDelivery" (
    "provider" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedDelivery_pkey" PRIMARY KEY ("provider","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DeadlineBreach_deadlineId_key" ON "DeadlineBreach"("deadlineId");

-- CreateIndex
CREATE INDEX "DeadlineBreach_breachedAt_idx" ON "DeadlineBreach"("breachedAt");

-- CreateIndex
CREATE INDEX "DeadlineBreach_ticketId_idx" ON "DeadlineBreach"("ticketId");

-- CreateIndex
CREATE UNIQUE INDEX "Technician_slackUserId_key" ON "Technician"("slackUserId");

-- CreateIndex
CREATE INDEX "PartUsage_ticketId_idx" ON "PartUsage"("ticketId");

-- CreateIndex
CREATE INDEX "PartUsage_fittedAt_idx" ON "PartUsage"("fittedAt");

-- CreateIndex
CREATE INDEX "Message_ticketId_idx" ON "Message"("ticketId");

-- CreateIndex
CREATE INDEX "Message_status_createdAt_idx" ON "Message"("status", "createdAt");

-- CreateIndex
CREATE INDEX "Ticket_technicianId_idx" ON "Ticket"("technicianId");

-- CreateIndex
CREATE INDEX "Ticket_conversationId_status_idx" ON "Ticket"("conversationId", "status");

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_technicianId_fkey" FOREIGN KEY ("technicianId") REFERENCES "Technician"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeadlineBreach" ADD CONSTRAINT "DeadlineBreach_deadlineId_fkey" FOREIGN KEY ("deadlineId") REFERENCES "Deadline"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeadlineBreach" ADD CONSTRAINT "DeadlineBreach_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartUsage" ADD CONSTRAINT "PartUsage_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
