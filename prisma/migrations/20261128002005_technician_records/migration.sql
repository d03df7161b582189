-- CreateEnum
CREATE TYPE "TechnicianRecordKind" AS ENUM ('training', 'assessment', 'evaluation', 'replacement_request');

-- CreateTable
CREATE TABLE "TechnicianRecord" (
    "id" UUID NOT NULL,
    "technicianId" UUID NOT NULL,
    "kind" "TechnicianRecordKind" NOT NULL,
    "title" TEXT,
    "result" TEXT,
    "rating" INTEGER,
    "note" TEXT,
    "date" DATE,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TechnicianRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TechnicianRecord_technicianId_at_idx" ON "TechnicianRecord"("technicianId", "at");

-- AddForeignKey
ALTER TABLE "TechnicianRecord" ADD CONSTRAINT "TechnicianRecord_technicianId_fkey" FOREIGN KEY ("technicianId") REFERENCES "Technician"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
