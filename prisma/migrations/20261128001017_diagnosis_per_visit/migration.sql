-- DropIndex
DROP INDEX "Deadline_ticketId_kind_key";

-- AlterTable
ALTER TABLE "Deadline" ADD COLUMN     "visit" INTEGER NOT NULL DEFAULT 1;

-- CreateIndex
CREATE UNIQUE INDEX "Deadline_ticketId_kind_visit_key" ON "Deadline"("ticketId", "kind", "visit");
