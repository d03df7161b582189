-- Issue 14: files customers send (photos of the fault, nameplates, invoices).
CREATE TYPE "AttachmentStatus" AS ENUM ('stored', 'pending', 'refused');

CREATE TABLE "Attachment" (
    "id" UUID NOT NULL,
    "channel" "Channel" NOT NULL,
    "address" TEXT NOT NULL,
    "providerMessageId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "status" "AttachmentStatus" NOT NULL,
    "contentType" TEXT,
    "bytes" INTEGER,
    "sha256" TEXT,
    "sourceUrl" TEXT,
    "refusal" TEXT,
    "ticketId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Attachment_channel_providerMessageId_position_key" ON "Attachment"("channel", "providerMessageId", "position");
CREATE INDEX "Attachment_channel_address_ticketId_idx" ON "Attachment"("channel", "address", "ticketId");
CREATE INDEX "Attachment_ticketId_idx" ON "Attachment"("ticketId");
CREATE INDEX "Attachment_sha256_idx" ON "Attachment"("sha256");

ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;
