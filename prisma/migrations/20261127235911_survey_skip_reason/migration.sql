-- AlterTable
ALTER TABLE "Feedback" ADD COLUMN     "skipReason" TEXT,
ADD COLUMN     "skippedByCustomer" BOOLEAN NOT NULL DEFAULT false;
