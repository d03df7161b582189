-- AlterTable
ALTER TABLE "PartUsage" ADD COLUMN     "reason" TEXT;

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "partsWarranty" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "partsWarrantyOfId" UUID;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_partsWarrantyOfId_fkey" FOREIGN KEY ("partsWarrantyOfId") REFERENCES "Ticket"("id") ON DELETE SET NULL ON UPDATE CASCADE;
