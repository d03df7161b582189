-- Issue 18: delivery confirmed by the provider (Twilio's status callback), not assumed from its 201.
ALTER TABLE "Message" ADD COLUMN "providerIds" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "deliveryStatus" TEXT,
  ADD COLUMN "deliveryError" TEXT,
  ADD COLUMN "deliveredAt" TIMESTAMP(3);

-- A report names one part's id: found by containment.
CREATE INDEX "Message_providerIds_idx" ON "Message" USING GIN ("providerIds");
