-- Issue 14: WhatsApp through the same Twilio account, a channel of its own. (The rollups that
-- count it are the next migration: a new enum value cannot be used in the transaction adding it.)
ALTER TYPE "Channel" ADD VALUE IF NOT EXISTS 'whatsapp';
ALTER TYPE "RequestChannel" ADD VALUE IF NOT EXISTS 'whatsapp';
