-- CreateEnum
CREATE TYPE "NonConformityKind" AS ENUM ('late_response', 'late_installation', 'late_diagnosis', 'fix_rejected', 'repeat_fault', 'non_genuine_part');


-- AlterTable
ALTER TABLE "ReportDay" ADD COLUMN     "damagedServices" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "forceMajeureNotices" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reasonFixRejected" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reasonLateDiagnosis" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reasonLateInstallation" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reasonLateResponse" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reasonNonGenuinePart" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reasonRepeatFault" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "waivedServices" INTEGER NOT NULL DEFAULT 0;


-- CreateTable
CREATE TABLE "NonConformity" (
    "id" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "kind" "NonConformityKind" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "excused" BOOLEAN NOT NULL DEFAULT false,
    "breachId" UUID,
    "detail" TEXT,

    CONSTRAINT "NonConformity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Damages" (
    "ticketId" UUID NOT NULL,
    "value" DECIMAL(12,2) NOT NULL,
    "amount" DECIMAL(12,2) NOT NULL,
    "waived" DECIMAL(12,2) NOT NULL,
    "excused" BOOLEAN NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Damages_pkey" PRIMARY KEY ("ticketId")
);

-- CreateTable
CREATE TABLE "ForceMajeure" (
    "id" UUID NOT NULL,
    "ticketId" UUID NOT NULL,
    "affects" "DeadlineKind"[],
    "from" TIMESTAMP(3),
    "to" TIMESTAMP(3),
    "note" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "declaredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ForceMajeure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "NonConformity_breachId_key" ON "NonConformity"("breachId");

-- CreateIndex
CREATE INDEX "NonConformity_ticketId_idx" ON "NonConformity"("ticketId");

-- CreateIndex
CREATE INDEX "NonConformity_at_idx" ON "NonConformity"("at");

-- CreateIndex
CREATE INDEX "Damages_since_idx" ON "Damages"("since");

-- CreateIndex
CREATE INDEX "ForceMajeure_ticketId_idx" ON "ForceMajeure"("ticketId");

-- CreateIndex
CREATE INDEX "ForceMajeure_declaredAt_idx" ON "ForceMajeure"("declaredAt");

-- AddForeignKey
ALTER TABLE "NonConformity" ADD CONSTRAINT "NonConformity_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Damages" ADD CONSTRAINT "Damages_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForceMajeure" ADD CONSTRAINT "ForceMajeure_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Data: force majeure as it was recorded before (a note that excused every later breach) becomes
-- one that names every deadline, dated by its first event.
INSERT INTO "ForceMajeure" (id, "ticketId", affects, note, actor, "declaredAt")
SELECT gen_random_uuid(), t.id, ARRAY['response', 'installation', 'diagnosis', 'feedback']::"DeadlineKind"[],
  COALESCE(t."forceMajeureNote", 'Force majeure'), COALESCE(e.actor, 'system'), COALESCE(e.at, t."updatedAt")
FROM "Ticket" t
LEFT JOIN LATERAL (SELECT actor, at FROM "TicketEvent" WHERE "ticketId" = t.id AND type = 'force_majeure' ORDER BY id LIMIT 1) e ON true
WHERE t."forceMajeure";

-- The reasons each service did not conform, from what is on record.
INSERT INTO "NonConformity" (id, "ticketId", kind, at, excused, "breachId")
SELECT gen_random_uuid(), b."ticketId", ('late_' || b.kind::text)::"NonConformityKind", b."breachedAt", b."forceMajeure", b.id
FROM "DeadlineBreach" b WHERE b.kind IN ('response', 'installation', 'diagnosis');
INSERT INTO "NonConformity" (id, "ticketId", kind, at, detail)
SELECT gen_random_uuid(), e."ticketId", 'fix_rejected', e.at, left(e.data->>'reason', 2000) FROM "TicketEvent" e WHERE e.type = 'reject';
INSERT INTO "NonConformity" (id, "ticketId", kind, at, detail)
SELECT gen_random_uuid(), t."warrantyOfId", 'repeat_fault', t."createdAt", t.number FROM "Ticket" t WHERE t."warrantyOfId" IS NOT NULL;
INSERT INTO "NonConformity" (id, "ticketId", kind, at, detail)
SELECT gen_random_uuid(), p."ticketId", 'non_genuine_part', p."fittedAt", p."partNumber" || ' ' || p.name FROM "PartUsage" p WHERE NOT p.genuine;

-- The report_breach_update trigger reads the columns that go: replaced below.
DROP TRIGGER report_breach_update ON "DeadlineBreach";
ALTER TABLE "DeadlineBreach" DROP COLUMN "damages", DROP COLUMN "serviceValue";
ALTER TABLE "Ticket" DROP COLUMN "forceMajeure", DROP COLUMN "forceMajeureNote";


-- §4.1b: a service's damages from its reasons and its value: 10% once if any reason stands,
-- waived if every reason is excused (§4.1c), no row without reasons.
CREATE FUNCTION damages_recompute(_ticket uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  rate CONSTANT numeric := 0.10;
  value numeric;
  reasons int;
  standing int;
  first_at timestamp;
BEGIN
  SELECT count(*), count(*) FILTER (WHERE NOT excused), min(at) INTO reasons, standing, first_at FROM "NonConformity" WHERE "ticketId" = _ticket;
  IF reasons = 0 THEN
    DELETE FROM "Damages" WHERE "ticketId" = _ticket;
    RETURN;
  END IF;
  SELECT "serviceValue" INTO value FROM "Ticket" WHERE id = _ticket;
  INSERT INTO "Damages" ("ticketId", value, amount, waived, excused, since, "updatedAt")
  VALUES (_ticket, value, CASE WHEN standing > 0 THEN round(value * rate, 2) ELSE 0 END, CASE WHEN standing = 0 THEN round(value * rate, 2) ELSE 0 END,
    standing = 0, first_at, now() AT TIME ZONE 'UTC')
  ON CONFLICT ("ticketId") DO UPDATE SET value = EXCLUDED.value, amount = EXCLUDED.amount, waived = EXCLUDED.waived, excused = EXCLUDED.excused,
    since = EXCLUDED.since, "updatedAt" = EXCLUDED."updatedAt"
  WHERE ("Damages".value, "Damages".amount, "Damages".waived, "Damages".excused, "Damages".since)
    IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.amount, EXCLUDED.waived, EXCLUDED.excused, EXCLUDED.since);
END $$;

CREATE FUNCTION damages_on_reason() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM damages_recompute(OLD."ticketId"); END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW."ticketId" <> OLD."ticketId") THEN PERFORM damages_recompute(NEW."ticketId"); END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION damages_on_value() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM damages_recompute(NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER damages_reasons AFTER INSERT OR UPDATE OR DELETE ON "NonConformity" FOR EACH ROW EXECUTE FUNCTION damages_on_reason();
CREATE TRIGGER damages_value AFTER UPDATE ON "Ticket" FOR EACH ROW WHEN (OLD."serviceValue" IS DISTINCT FROM NEW."serviceValue") EXECUTE FUNCTION damages_on_value();

SELECT damages_recompute(t."ticketId") FROM (SELECT DISTINCT "ticketId" FROM "NonConformity") t;

-- Report rollups (see report_rollups): breaches no longer carry money; damages, reasons and
-- force majeure notices have shares of their own.
CREATE OR REPLACE FUNCTION report_breach(_b "DeadlineBreach", _type "ServiceType", _tech uuid, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "breachesResponse", "breachesInstallation", "breachesDiagnosis", "breachesFeedback", "forceMajeure")
  VALUES (report_day(_b."breachedAt", _zone), _type, _tech, _sign * (_b.kind = 'response')::int, _sign * (_b.kind = 'installation')::int,
    _sign * (_b.kind = 'diagnosis')::int, _sign * (_b.kind = 'feedback')::int, _sign * _b."forceMajeure"::int);
$$;

CREATE FUNCTION report_damages(_d "Damages", _type "ServiceType", _tech uuid, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "damagedServices", damages, "waivedServices", "damagesWaived")
  VALUES (report_day(_d.since, _zone), _type, _tech, _sign * (NOT _d.excused)::int, _sign * _d.amount, _sign * _d.excused::int, _sign * _d.waived);
$$;

CREATE FUNCTION report_reason(_n "NonConformity", _type "ServiceType", _tech uuid, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "reasonLateResponse", "reasonLateInstallation", "reasonLateDiagnosis", "reasonFixRejected",
    "reasonRepeatFault", "reasonNonGenuinePart")
  VALUES (report_day(_n.at, _zone), _type, _tech, _sign * (_n.kind = 'late_response')::int, _sign * (_n.kind = 'late_installation')::int,
    _sign * (_n.kind = 'late_diagnosis')::int, _sign * (_n.kind = 'fix_rejected')::int, _sign * (_n.kind = 'repeat_fault')::int,
    _sign * (_n.kind = 'non_genuine_part')::int);
$$;

CREATE FUNCTION report_notice(_f "ForceMajeure", _type "ServiceType", _tech uuid, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "forceMajeureNotices") VALUES (report_day(_f."declaredAt", _zone), _type, _tech, _sign);
$$;

CREATE OR REPLACE FUNCTION report_on_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text := report_zone();
BEGIN
  IF zone IS NULL THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_ticket(OLD, -1, zone); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM report_ticket(NEW, 1, zone); END IF;
  IF TG_OP = 'UPDATE' AND (OLD.type, OLD."technicianId") IS DISTINCT FROM (NEW.type, NEW."technicianId") THEN
    PERFORM report_deadline(d, OLD.type, OLD."technicianId", EXISTS (SELECT 1 FROM "DeadlineBreach" b WHERE b."deadlineId" = d.id), -1, zone),
            report_deadline(d, NEW.type, NEW."technicianId", EXISTS (SELECT 1 FROM "DeadlineBreach" b WHERE b."deadlineId" = d.id), 1, zone)
      FROM "Deadline" d WHERE d."ticketId" = NEW.id;
    PERFORM report_breach(b, OLD.type, OLD."technicianId", -1, zone), report_breach(b, NEW.type, NEW."technicianId", 1, zone)
      FROM "DeadlineBreach" b WHERE b."ticketId" = NEW.id;
    PERFORM report_feedback(f, OLD.type, OLD."technicianId", -1, zone), report_feedback(f, NEW.type, NEW."technicianId", 1, zone)
      FROM "Feedback" f WHERE f."ticketId" = NEW.id;
    PERFORM report_part(p, OLD.type, OLD."technicianId", -1, zone), report_part(p, NEW.type, NEW."technicianId", 1, zone)
      FROM "PartUsage" p WHERE p."ticketId" = NEW.id;
    PERFORM report_complaint(c, OLD.type, OLD."technicianId", -1, zone), report_complaint(c, NEW.type, NEW."technicianId", 1, zone)
      FROM "Complaint" c WHERE c."ticketId" = NEW.id;
    PERFORM report_damages(g, OLD.type, OLD."technicianId", -1, zone), report_damages(g, NEW.type, NEW."technicianId", 1, zone)
      FROM "Damages" g WHERE g."ticketId" = NEW.id;
    PERFORM report_reason(n, OLD.type, OLD."technicianId", -1, zone), report_reason(n, NEW.type, NEW."technicianId", 1, zone)
      FROM "NonConformity" n WHERE n."ticketId" = NEW.id;
    PERFORM report_notice(m, OLD.type, OLD."technicianId", -1, zone), report_notice(m, NEW.type, NEW."technicianId", 1, zone)
      FROM "ForceMajeure" m WHERE m."ticketId" = NEW.id;
  END IF;
  RETURN NULL;
END $$;

-- One trigger function for the three tables whose rows hang off a ticket by "ticketId".
CREATE FUNCTION report_on_ticket_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text := report_zone();
  t record;
BEGIN
  IF zone IS NULL THEN RETURN NULL; END IF;
  SELECT type, "technicianId" INTO t FROM "Ticket" WHERE id = COALESCE(NEW."ticketId", OLD."ticketId");
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    CASE TG_TABLE_NAME
      WHEN 'Damages' THEN PERFORM report_damages(OLD, t.type, t."technicianId", -1, zone);
      WHEN 'NonConformity' THEN PERFORM report_reason(OLD, t.type, t."technicianId", -1, zone);
      WHEN 'ForceMajeure' THEN PERFORM report_notice(OLD, t.type, t."technicianId", -1, zone);
    END CASE;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    CASE TG_TABLE_NAME
      WHEN 'Damages' THEN PERFORM report_damages(NEW, t.type, t."technicianId", 1, zone);
      WHEN 'NonConformity' THEN PERFORM report_reason(NEW, t.type, t."technicianId", 1, zone);
      WHEN 'ForceMajeure' THEN PERFORM report_notice(NEW, t.type, t."technicianId", 1, zone);
    END CASE;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER report_breach_update AFTER UPDATE ON "DeadlineBreach" FOR EACH ROW
  WHEN ((OLD.kind, OLD."breachedAt", OLD."forceMajeure") IS DISTINCT FROM (NEW.kind, NEW."breachedAt", NEW."forceMajeure"))
  EXECUTE FUNCTION report_on_breach();
CREATE TRIGGER report_damages_rows AFTER INSERT OR DELETE ON "Damages" FOR EACH ROW EXECUTE FUNCTION report_on_ticket_row();
CREATE TRIGGER report_damages_update AFTER UPDATE ON "Damages" FOR EACH ROW
  WHEN ((OLD.amount, OLD.waived, OLD.excused, OLD.since) IS DISTINCT FROM (NEW.amount, NEW.waived, NEW.excused, NEW.since))
  EXECUTE FUNCTION report_on_ticket_row();
CREATE TRIGGER report_reason_rows AFTER INSERT OR DELETE ON "NonConformity" FOR EACH ROW EXECUTE FUNCTION report_on_ticket_row();
CREATE TRIGGER report_reason_update AFTER UPDATE ON "NonConformity" FOR EACH ROW
  WHEN ((OLD.kind, OLD.at) IS DISTINCT FROM (NEW.kind, NEW.at))
  EXECUTE FUNCTION report_on_ticket_row();
CREATE TRIGGER report_notice_rows AFTER INSERT OR DELETE ON "ForceMajeure" FOR EACH ROW EXECUTE FUNCTION report_on_ticket_row();
CREATE TRIGGER report_notice_update AFTER UPDATE ON "ForceMajeure" FOR EACH ROW
  WHEN (OLD."declaredAt" IS DISTINCT FROM NEW."declaredAt")
  EXECUTE FUNCTION report_on_ticket_row();

CREATE OR REPLACE FUNCTION report_compact() RETURNS int LANGUAGE sql AS $$
  WITH days AS (SELECT DISTINCT day FROM "ReportDay" WHERE NOT compacted),
  gone AS (DELETE FROM "ReportDay" r USING days WHERE r.day = days.day RETURNING r.*),
  merged AS (
    INSERT INTO "ReportDay" (day, type, "technicianId", compacted, "requestsSms", "requestsWebchat", "requestsSlack", "warrantyRepairs",
      "responseOnTime", "responseDecided", "installationOnTime", "installationDecided", "diagnosisOnTime", "diagnosisDecided",
      rated, satisfied, "ratingSum", "feedbackSettled", "feedbackInTime",
      "causeProductDefect", "causeImproperUse", "causeEnvironment", "causeWear", "causeOther", "partsFitted", "partsGenuine",
      "breachesResponse", "breachesInstallation", "breachesDiagnosis", "breachesFeedback", "forceMajeure",
      "damagedServices", damages, "waivedServices", "damagesWaived",
      "reasonLateResponse", "reasonLateInstallation", "reasonLateDiagnosis", "reasonFixRejected", "reasonRepeatFault", "reasonNonGenuinePart",
      "forceMajeureNotices", "complaintsOpened", "complaintsResolved")
    SELECT day, type, "technicianId", true, sum("requestsSms"), sum("requestsWebchat"), sum("requestsSlack"), sum("warrantyRepairs"),
      sum("responseOnTime"), sum("responseDecided"), sum("installationOnTime"), sum("installationDecided"), sum("diagnosisOnTime"), sum("diagnosisDecided"),
      sum(rated), sum(satisfied), sum("ratingSum"), sum("feedbackSettled"), sum("feedbackInTime"),
      sum("causeProductDefect"), sum("causeImproperUse"), sum("causeEnvironment"), sum("causeWear"), sum("causeOther"), sum("partsFitted"), sum("partsGenuine"),
      sum("breachesResponse"), sum("breachesInstallation"), sum("breachesDiagnosis"), sum("breachesFeedback"), sum("forceMajeure"),
      sum("damagedServices"), sum(damages), sum("waivedServices"), sum("damagesWaived"),
      sum("reasonLateResponse"), sum("reasonLateInstallation"), sum("reasonLateDiagnosis"), sum("reasonFixRejected"), sum("reasonRepeatFault"), sum("reasonNonGenuinePart"),
      sum("forceMajeureNotices"), sum("complaintsOpened"), sum("complaintsResolved")
    FROM gone GROUP BY day, type, "technicianId"
    RETURNING 1
  )
  SELECT count(*)::int FROM merged
$$;

CREATE OR REPLACE FUNCTION report_rebuild(zone text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7018427473016398196);
  -- Instances starting together: the first builds, the others find it done.
  IF EXISTS (SELECT 1 FROM "ReportSetting" WHERE id = 1 AND "timeZone" = zone) THEN RETURN; END IF;
  DELETE FROM "ReportDay";
  INSERT INTO "ReportSetting" (id, "timeZone", "builtAt") VALUES (1, zone, now() AT TIME ZONE 'UTC')
    ON CONFLICT (id) DO UPDATE SET "timeZone" = EXCLUDED."timeZone", "builtAt" = EXCLUDED."builtAt";
  -- Set-based, one aggregate per source; the same shares as the triggers' functions.
  INSERT INTO "ReportDay" (day, type, "technicianId", "requestsSms", "requestsWebchat", "requestsSlack", "warrantyRepairs")
  SELECT report_day("createdAt", zone), type, "technicianId", count(*) FILTER (WHERE channel = 'sms'), count(*) FILTER (WHERE channel = 'webchat'),
    count(*) FILTER (WHERE channel = 'slack'), count(*) FILTER (WHERE type = 'repair' AND warranty)
  FROM "Ticket" GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", "causeProductDefect", "causeImproperUse", "causeEnvironment", "causeWear", "causeOther")
  SELECT report_day("diagnosedAt", zone), type, "technicianId", count(*) FILTER (WHERE "rootCause" = 'product_defect'), count(*) FILTER (WHERE "rootCause" = 'improper_use'),
    count(*) FILTER (WHERE "rootCause" = 'environment'), count(*) FILTER (WHERE "rootCause" = 'wear'), count(*) FILTER (WHERE "rootCause" = 'other')
  FROM "Ticket" WHERE "diagnosedAt" IS NOT NULL AND "rootCause" IS NOT NULL GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", "responseOnTime", "responseDecided", "installationOnTime", "installationDecided", "diagnosisOnTime", "diagnosisDecided")
  SELECT day, type, tech,
    count(*) FILTER (WHERE kind = 'response' AND on_time), count(*) FILTER (WHERE kind = 'response' AND decided),
    count(*) FILTER (WHERE kind = 'installation' AND on_time), count(*) FILTER (WHERE kind = 'installation' AND decided),
    count(*) FILTER (WHERE kind = 'diagnosis' AND on_time), count(*) FILTER (WHERE kind = 'diagnosis' AND decided)
  FROM (
    SELECT report_day(d."dueAt", zone) AS day, t.type, t."technicianId" AS tech, d.kind,
      d."metAt" IS NOT NULL AND d."metAt" <= d."dueAt" AS on_time, d."metAt" IS NOT NULL OR b.id IS NOT NULL AS decided
    FROM "Deadline" d JOIN "Ticket" t ON t.id = d."ticketId" LEFT JOIN "DeadlineBreach" b ON b."deadlineId" = d.id
    WHERE d.kind IN ('response', 'installation', 'diagnosis')
  ) x GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", "breachesResponse", "breachesInstallation", "breachesDiagnosis", "breachesFeedback", "forceMajeure")
  SELECT report_day(b."breachedAt", zone), t.type, t."technicianId", count(*) FILTER (WHERE b.kind = 'response'), count(*) FILTER (WHERE b.kind = 'installation'),
    count(*) FILTER (WHERE b.kind = 'diagnosis'), count(*) FILTER (WHERE b.kind = 'feedback'), count(*) FILTER (WHERE b."forceMajeure")
  FROM "DeadlineBreach" b JOIN "Ticket" t ON t.id = b."ticketId" GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", "damagedServices", damages, "waivedServices", "damagesWaived")
  SELECT report_day(g.since, zone), t.type, t."technicianId", count(*) FILTER (WHERE NOT g.excused), sum(g.amount), count(*) FILTER (WHERE g.excused), sum(g.waived)
  FROM "Damages" g JOIN "Ticket" t ON t.id = g."ticketId" GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", "reasonLateResponse", "reasonLateInstallation", "reasonLateDiagnosis", "reasonFixRejected",
    "reasonRepeatFault", "reasonNonGenuinePart")
  SELECT report_day(n.at, zone), t.type, t."technicianId", count(*) FILTER (WHERE n.kind = 'late_response'), count(*) FILTER (WHERE n.kind = 'late_installation'),
    count(*) FILTER (WHERE n.kind = 'late_diagnosis'), count(*) FILTER (WHERE n.kind = 'fix_rejected'), count(*) FILTER (WHERE n.kind = 'repeat_fault'),
    count(*) FILTER (WHERE n.kind = 'non_genuine_part')
  FROM "NonConformity" n JOIN "Ticket" t ON t.id = n."ticketId" GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", "forceMajeureNotices")
  SELECT report_day(m."declaredAt", zone), t.type, t."technicianId", count(*)
  FROM "ForceMajeure" m JOIN "Ticket" t ON t.id = m."ticketId" GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", rated, satisfied, "ratingSum", "feedbackSettled", "feedbackInTime")
  SELECT report_day(f."completedAt", zone), t.type, t."technicianId", count(f.rating), count(*) FILTER (WHERE f.rating >= 4), COALESCE(sum(f.rating), 0),
    count(*) FILTER (WHERE f.status IN ('answered', 'missed', 'skipped')), count(*) FILTER (WHERE f."inWindow")
  FROM "Feedback" f JOIN "Ticket" t ON t.id = f."ticketId" GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", "partsFitted", "partsGenuine")
  SELECT report_day(p."fittedAt", zone), t.type, t."technicianId", sum(p.quantity), COALESCE(sum(p.quantity) FILTER (WHERE p.genuine), 0)
  FROM "PartUsage" p JOIN "Ticket" t ON t.id = p."ticketId" GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", "complaintsOpened")
  SELECT report_day(c."openedAt", zone), t.type, t."technicianId", count(*)
  FROM "Complaint" c LEFT JOIN "Ticket" t ON t.id = c."ticketId" GROUP BY 1, 2, 3;
  INSERT INTO "ReportDay" (day, type, "technicianId", "complaintsResolved")
  SELECT report_day(c."resolvedAt", zone), t.type, t."technicianId", count(*)
  FROM "Complaint" c LEFT JOIN "Ticket" t ON t.id = c."ticketId" WHERE c."resolvedAt" IS NOT NULL GROUP BY 1, 2, 3;
  PERFORM report_compact();
END $$;

-- The figures changed meaning: the rollups are built again at the next start.
DELETE FROM "ReportDay";
DELETE FROM "ReportSetting";
