-- AlterEnum
ALTER TYPE "MessageStatus" ADD VALUE 'throttled';

-- AlterTable: the old per-conversation token becomes the key to resume it (pages keep working);
-- Direct Line tokens proper now live in "DirectLineToken" and expire.
ALTER TABLE "DirectLineConversation" RENAME COLUMN "tokenHash" TO "resumeKeyHash";
ALTER INDEX "DirectLineConversation_tokenHash_key" RENAME TO "DirectLineConversation_resumeKeyHash_key";

-- CreateTable
CREATE TABLE "DirectLineToken" (
    "hash" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DirectLineToken_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "StaffSession" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "idleUntil" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StaffSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimit" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "DirectLineToken_conversationId_idx" ON "DirectLineToken"("conversationId");

-- CreateIndex
CREATE INDEX "DirectLineToken_expiresAt_idx" ON "DirectLineToken"("expiresAt");

-- CreateIndex
CREATE INDEX "StaffSession_expiresAt_idx" ON "StaffSession"("expiresAt");

-- AddForeignKey
ALTER TABLE "DirectLineToken" ADD CONSTRAINT "DirectLineToken_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "DirectLineConversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
