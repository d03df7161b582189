-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "strikes" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ProviderStatus" (
    "provider" TEXT NOT NULL,
    "failingSince" TIMESTAMP(3),
    "lastError" TEXT,
    "alertedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProviderStatus_pkey" PRIMARY KEY ("provider")
);
