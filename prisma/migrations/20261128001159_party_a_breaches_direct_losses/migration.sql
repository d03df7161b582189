-- CreateEnum
CREATE TYPE "PartyABreachKind" AS ENUM ('late_product_data', 'late_parts', 'visit_prevented');

-- CreateEnum
CREATE TYPE "Party" AS ENUM ('party_a', 'party_b');

-- CreateTable
CREATE TABLE "PartyABreach" (
    "id" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "kind" "PartyABreachKind" NOT NULL,
    "note" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PartyABreach_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DirectLoss" (
    "id" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "causedBy" "Party" NOT NULL,
    "amount" DECIMAL(12,2) NOT NULL,
    "evidence" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DirectLoss_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PartyABreach_ticketId_idx" ON "PartyABreach"("ticketId");

-- CreateIndex
CREATE INDEX "PartyABreach_at_idx" ON "PartyABreach"("at");

-- CreateIndex
CREATE INDEX "DirectLoss_ticketId_idx" ON "DirectLoss"("ticketId");

-- CreateIndex
CREATE INDEX "DirectLoss_at_idx" ON "DirectLoss"("at");

-- AddForeignKey
ALTER TABLE "PartyABreach" ADD CONSTRAINT "PartyABreach_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DirectLoss" ADD CONSTRAINT "DirectLoss_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
