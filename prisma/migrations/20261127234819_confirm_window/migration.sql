-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "completedUnconfirmed" BOOLEAN NOT NULL DEFAULT false;
