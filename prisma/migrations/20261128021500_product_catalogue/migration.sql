-- §3.2a: the product catalogue, and whether each ticket's model was in it when submitted.
ALTER TABLE "Ticket" ADD COLUMN "productListed" BOOLEAN;

CREATE TABLE "Product" (
    "id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT,
    "manualUrl" TEXT,
    "warrantyMonths" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Product_key_key" ON "Product"("key");
