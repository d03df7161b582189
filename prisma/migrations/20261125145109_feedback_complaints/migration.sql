-- CreateEnum
CREATE TYPE "FeedbackStatus" AS ENUM ('scheduled', 'asked', 'answered', 'missed', 'skipped');

-- CreateEnum
CREATE TYPE "ComplaintStatus" AS ENUM ('open', 'in_progress', 'resolved');

-- CreateEnum
CREATE TYPE "ComplaintSource" AS ENUM ('low_rating', 'keywords', 'fix_rejected', 'staff');

-- CreateTable
CREATE TABLE "Feedback" (
    "id" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "status" "FeedbackStatus" NOT NULL DEFAULT 'scheduled',
    "channel" "Channel" NOT NULL,
    "completedAt" TIMESTAMP(3) NOT NULL,
    "askAt" TIMESTAMP(3) NOT NULL,
    "windowEndsAt" TIMESTAMP(3) NOT NULL,
    "askedAt" TIMESTAMP(3),
    "remindedAt" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "rating" INTEGER,
    "comment" TEXT,
    "inWindow" BOOLEAN,
    "source" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Complaint" (
    "id" UUID NOT NULL,
    "seq" SERIAL NOT NULL,
    "number" TEXT NOT NULL,
    "customerId" UUID NOT NULL,
    "ticketId" UUID,
    "conversationId" UUID,
    "source" "ComplaintSource" NOT NULL,
    "status" "ComplaintStatus" NOT NULL DEFAULT 'open',
    "text" TEXT NOT NULL,
    "assignee" TEXT,
    "outcome" TEXT,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "takenAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "slackChannel" TEXT,
    "slackTs" TEXT,

    CONSTRAINT "Complaint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ComplaintEvent" (
    "id" BIGSERIAL NOT NULL,
    "complaintId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "ComplaintEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Feedback_ticketId_key" ON "Feedback"("ticketId");

-- CreateIndex
CREATE INDEX "Feedback_status_askAt_idx" ON "Feedback"("status", "askAt");

-- CreateIndex
CREATE INDEX "Feedback_status_windowEndsAt_idx" ON "Feedback"("status", "windowEndsAt");

-- CreateIndex
CREATE INDEX "Feedback_answeredAt_idx" ON "Feedback"("answeredAt");

-- CreateIndex
CREATE INDEX "Feedback_completedAt_idx" ON "Feedback"("completedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Complaint_seq_key" ON "Complaint"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "Complaint_number_key" ON "Complaint"("number");

-- CreateIndex
CREATE INDEX "Complaint_status_openedAt_idx" ON "Complaint"("status", "openedAt");

-- CreateIndex
CREATE INDEX "Complaint_openedAt_idx" ON "Complaint"("openedAt");

-- CreateIndex
CREATE INDEX "Complaint_ticketId_idx" ON "Complaint"("ticketId");

-- CreateIndex
CREATE INDEX "ComplaintEvent_complaintId_id_idx" ON "ComplaintEvent"("complaintId", "id");

-- AddForeignKey
ALTER TABLE "Feedback" ADD CONSTRAINT "Feedback_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Complaint" ADD CONSTRAINT "Complaint_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ComplaintEvent" ADD CONSTRAINT "ComplaintEvent_complaintId_fkey" FOREIGN KEY ("complaintId") REFERENCES "Complaint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
