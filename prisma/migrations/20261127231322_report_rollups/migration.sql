-- DropIndex
DROP INDEX "Ticket_completedAt_idx";

-- CreateTable
CREATE TABLE "ReportDay" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "type" "ServiceType",
    "technicianId" UUID,
    "compacted" BOOLEAN NOT NULL DEFAULT false,
    "requestsSms" INTEGER NOT NULL DEFAULT 0,
    "requestsWebchat" INTEGER NOT NULL DEFAULT 0,
    "requestsSlack" INTEGER NOT NULL DEFAULT 0,
    "warrantyRepairs" INTEGER NOT NULL DEFAULT 0,
    "responseOnTime" INTEGER NOT NULL DEFAULT 0,
    "responseDecided" INTEGER NOT NULL DEFAULT 0,
    "installationOnTime" INTEGER NOT NULL DEFAULT 0,
    "installationDecided" INTEGER NOT NULL DEFAULT 0,
    "diagnosisOnTime" INTEGER NOT NULL DEFAULT 0,
    "diagnosisDecided" INTEGER NOT NULL DEFAULT 0,
    "rated" INTEGER NOT NULL DEFAULT 0,
    "satisfied" INTEGER NOT NULL DEFAULT 0,
    "ratingSum" INTEGER NOT NULL DEFAULT 0,
    "feedbackSettled" INTEGER NOT NULL DEFAULT 0,
    "feedbackInTime" INTEGER NOT NULL DEFAULT 0,
    "causeProductDefect" INTEGER NOT NULL DEFAULT 0,
    "causeImproperUse" INTEGER NOT NULL DEFAULT 0,
    "causeEnvironment" INTEGER NOT NULL DEFAULT 0,
    "causeWear" INTEGER NOT NULL DEFAULT 0,
    "causeOther" INTEGER NOT NULL DEFAULT 0,
    "partsFitted" INTEGER NOT NULL DEFAULT 0,
    "partsGenuine" INTEGER NOT NULL DEFAULT 0,
    "breachesResponse" INTEGER NOT NULL DEFAULT 0,
    "breachesInstallation" INTEGER NOT NULL DEFAULT 0,
    "breachesDiagnosis" INTEGER NOT NULL DEFAULT 0,
    "breachesFeedback" INTEGER NOT NULL DEFAULT 0,
    "damages" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "forceMajeure" INTEGER NOT NULL DEFAULT 0,
    "damagesWaived" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "complaintsOpened" INTEGER NOT NULL DEFAULT 0,
    "complaintsResolved" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ReportDay_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportSetting" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "timeZone" TEXT NOT NULL,
    "builtAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReportSetting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReportDay_day_idx" ON "ReportDay"("day");

-- CreateIndex
CREATE INDEX "ReportDay_compacted_day_idx" ON "ReportDay"("compacted", "day");

-- CreateIndex
CREATE INDEX "Ticket_completedAt_createdAt_type_technicianId_idx" ON "Ticket"("completedAt", "createdAt", "type", "technicianId");

-- The rollups' time zone, read by every trigger under a shared lock: report_rebuild() takes it
-- exclusively, so a rebuild neither misses a change in flight nor counts one twice.
CREATE FUNCTION report_zone() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  zone text;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(7018427473016398196);
  SELECT "timeZone" INTO zone FROM "ReportSetting" WHERE id = 1;
  RETURN zone;
END $$;

-- Timestamps are stored in UTC without a zone; a report's days are the service's.
CREATE FUNCTION report_day(at timestamp, zone text) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT ((at AT TIME ZONE 'UTC') AT TIME ZONE zone)::date
$$;

-- Each source row's share of the figures, times _sign (+1 added, -1 taken away).
CREATE FUNCTION report_ticket(_t "Ticket", _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "requestsSms", "requestsWebchat", "requestsSlack", "warrantyRepairs")
  VALUES (report_day(_t."createdAt", _zone), _t.type, _t."technicianId", _sign * (_t.channel = 'sms')::int, _sign * (_t.channel = 'webchat')::int,
    _sign * (_t.channel = 'slack')::int, _sign * (_t.type = 'repair' AND _t.warranty)::int);
  INSERT INTO "ReportDay" (day, type, "technicianId", "causeProductDefect", "causeImproperUse", "causeEnvironment", "causeWear", "causeOther")
  SELECT report_day(_t."diagnosedAt", _zone), _t.type, _t."technicianId", _sign * (_t."rootCause" = 'product_defect')::int, _sign * (_t."rootCause" = 'improper_use')::int,
    _sign * (_t."rootCause" = 'environment')::int, _sign * (_t."rootCause" = 'wear')::int, _sign * (_t."rootCause" = 'other')::int
  WHERE _t."diagnosedAt" IS NOT NULL AND _t."rootCause" IS NOT NULL;
$$;

-- Decided: met, or breached. In time: met at or before it was due.
CREATE FUNCTION report_deadline(_d "Deadline", _type "ServiceType", _tech uuid, _breached boolean, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "responseOnTime", "responseDecided", "installationOnTime", "installationDecided", "diagnosisOnTime", "diagnosisDecided")
  SELECT report_day(_d."dueAt", _zone), _type, _tech,
    _sign * (_d.kind = 'response' AND x.on_time)::int, _sign * (_d.kind = 'response' AND x.decided)::int,
    _sign * (_d.kind = 'installation' AND x.on_time)::int, _sign * (_d.kind = 'installation' AND x.decided)::int,
    _sign * (_d.kind = 'diagnosis' AND x.on_time)::int, _sign * (_d.kind = 'diagnosis' AND x.decided)::int
  FROM (SELECT _d."metAt" IS NOT NULL AND _d."metAt" <= _d."dueAt" AS on_time, _d."metAt" IS NOT NULL OR _breached AS decided) x
  WHERE _d.kind IN ('response', 'installation', 'diagnosis');
$$;

CREATE FUNCTION report_breach(_b "DeadlineBreach", _type "ServiceType", _tech uuid, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "breachesResponse", "breachesInstallation", "breachesDiagnosis", "breachesFeedback", damages, "forceMajeure", "damagesWaived")
  VALUES (report_day(_b."breachedAt", _zone), _type, _tech, _sign * (_b.kind = 'response')::int, _sign * (_b.kind = 'installation')::int,
    _sign * (_b.kind = 'diagnosis')::int, _sign * (_b.kind = 'feedback')::int, _sign * _b.damages, _sign * _b."forceMajeure"::int,
    CASE WHEN _b."forceMajeure" THEN _sign * round(_b."serviceValue" * 0.10, 2) ELSE 0 END);
$$;

CREATE FUNCTION report_feedback(_f "Feedback", _type "ServiceType", _tech uuid, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", rated, satisfied, "ratingSum", "feedbackSettled", "feedbackInTime")
  VALUES (report_day(_f."completedAt", _zone), _type, _tech, _sign * (_f.rating IS NOT NULL)::int, _sign * COALESCE(_f.rating >= 4, false)::int,
    _sign * COALESCE(_f.rating, 0), _sign * (_f.status IN ('answered', 'missed', 'skipped'))::int, _sign * COALESCE(_f."inWindow", false)::int);
$$;

CREATE FUNCTION report_part(_p "PartUsage", _type "ServiceType", _tech uuid, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "partsFitted", "partsGenuine")
  VALUES (report_day(_p."fittedAt", _zone), _type, _tech, _sign * _p.quantity, _sign * CASE WHEN _p.genuine THEN _p.quantity ELSE 0 END);
$$;

CREATE FUNCTION report_complaint(_c "Complaint", _type "ServiceType", _tech uuid, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "complaintsOpened") VALUES (report_day(_c."openedAt", _zone), _type, _tech, _sign);
  INSERT INTO "ReportDay" (day, type, "technicianId", "complaintsResolved")
  SELECT report_day(_c."resolvedAt", _zone), _type, _tech, _sign WHERE _c."resolvedAt" IS NOT NULL;
$$;

-- A ticket's own figures; when its type or technician changes, every dependent row's share
-- moves to the new key.
CREATE FUNCTION report_on_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
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
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION report_on_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text := report_zone();
  t record;
  breached boolean;
BEGIN
  IF zone IS NULL THEN RETURN NULL; END IF;
  SELECT type, "technicianId" INTO t FROM "Ticket" WHERE id = COALESCE(NEW."ticketId", OLD."ticketId");
  breached := EXISTS (SELECT 1 FROM "DeadlineBreach" b WHERE b."deadlineId" = COALESCE(NEW.id, OLD.id));
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_deadline(OLD, t.type, t."technicianId", breached, -1, zone); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM report_deadline(NEW, t.type, t."technicianId", breached, 1, zone); END IF;
  RETURN NULL;
END $$;

-- A breach is also what decides its deadline when it was never met.
CREATE FUNCTION report_on_breach() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text := report_zone();
  t record;
BEGIN
  IF zone IS NULL THEN RETURN NULL; END IF;
  SELECT type, "technicianId" INTO t FROM "Ticket" WHERE id = COALESCE(NEW."ticketId", OLD."ticketId");
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_breach(OLD, t.type, t."technicianId", -1, zone); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM report_breach(NEW, t.type, t."technicianId", 1, zone); END IF;
  IF TG_OP IN ('INSERT', 'DELETE') THEN
    PERFORM report_deadline(d, t.type, t."technicianId", TG_OP = 'DELETE', -1, zone), report_deadline(d, t.type, t."technicianId", TG_OP = 'INSERT', 1, zone)
      FROM "Deadline" d WHERE d.id = COALESCE(NEW."deadlineId", OLD."deadlineId");
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION report_on_feedback() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text := report_zone();
  t record;
BEGIN
  IF zone IS NULL THEN RETURN NULL; END IF;
  SELECT type, "technicianId" INTO t FROM "Ticket" WHERE id = COALESCE(NEW."ticketId", OLD."ticketId");
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_feedback(OLD, t.type, t."technicianId", -1, zone); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM report_feedback(NEW, t.type, t."technicianId", 1, zone); END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION report_on_part() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text := report_zone();
  t record;
BEGIN
  IF zone IS NULL THEN RETURN NULL; END IF;
  SELECT type, "technicianId" INTO t FROM "Ticket" WHERE id = COALESCE(NEW."ticketId", OLD."ticketId");
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM report_part(OLD, t.type, t."technicianId", -1, zone); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM report_part(NEW, t.type, t."technicianId", 1, zone); END IF;
  RETURN NULL;
END $$;

-- A complaint may be about no ticket: its key is then empty.
CREATE FUNCTION report_on_complaint() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  zone text := report_zone();
  old_key record;
  new_key record;
BEGIN
  IF zone IS NULL THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    SELECT type, "technicianId" INTO old_key FROM "Ticket" WHERE id = OLD."ticketId";
    PERFORM report_complaint(OLD, old_key.type, old_key."technicianId", -1, zone);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT type, "technicianId" INTO new_key FROM "Ticket" WHERE id = NEW."ticketId";
    PERFORM report_complaint(NEW, new_key.type, new_key."technicianId", 1, zone);
  END IF;
  RETURN NULL;
END $$;

-- Updates fire only when a column the figures read changes: the process's other steps cost nothing.
CREATE TRIGGER report_ticket_rows AFTER INSERT OR DELETE ON "Ticket" FOR EACH ROW EXECUTE FUNCTION report_on_ticket();
CREATE TRIGGER report_ticket_update AFTER UPDATE ON "Ticket" FOR EACH ROW
  WHEN ((OLD.type, OLD."technicianId", OLD.channel, OLD.warranty, OLD."createdAt", OLD."diagnosedAt", OLD."rootCause")
    IS DISTINCT FROM (NEW.type, NEW."technicianId", NEW.channel, NEW.warranty, NEW."createdAt", NEW."diagnosedAt", NEW."rootCause"))
  EXECUTE FUNCTION report_on_ticket();
CREATE TRIGGER report_deadline_rows AFTER INSERT OR DELETE ON "Deadline" FOR EACH ROW EXECUTE FUNCTION report_on_deadline();
CREATE TRIGGER report_deadline_update AFTER UPDATE ON "Deadline" FOR EACH ROW
  WHEN ((OLD.kind, OLD."dueAt", OLD."metAt") IS DISTINCT FROM (NEW.kind, NEW."dueAt", NEW."metAt"))
  EXECUTE FUNCTION report_on_deadline();
CREATE TRIGGER report_breach_rows AFTER INSERT OR DELETE ON "DeadlineBreach" FOR EACH ROW EXECUTE FUNCTION report_on_breach();
CREATE TRIGGER report_breach_update AFTER UPDATE ON "DeadlineBreach" FOR EACH ROW
  WHEN ((OLD.kind, OLD."breachedAt", OLD.damages, OLD."forceMajeure", OLD."serviceValue") IS DISTINCT FROM (NEW.kind, NEW."breachedAt", NEW.damages, NEW."forceMajeure", NEW."serviceValue"))
  EXECUTE FUNCTION report_on_breach();
CREATE TRIGGER report_feedback_rows AFTER INSERT OR DELETE ON "Feedback" FOR EACH ROW EXECUTE FUNCTION report_on_feedback();
CREATE TRIGGER report_feedback_update AFTER UPDATE ON "Feedback" FOR EACH ROW
  WHEN ((OLD.status, OLD.rating, OLD."inWindow", OLD."completedAt") IS DISTINCT FROM (NEW.status, NEW.rating, NEW."inWindow", NEW."completedAt"))
  EXECUTE FUNCTION report_on_feedback();
CREATE TRIGGER report_part_rows AFTER INSERT OR DELETE ON "PartUsage" FOR EACH ROW EXECUTE FUNCTION report_on_part();
CREATE TRIGGER report_part_update AFTER UPDATE ON "PartUsage" FOR EACH ROW
  WHEN ((OLD.quantity, OLD.genuine, OLD."fittedAt") IS DISTINCT FROM (NEW.quantity, NEW.genuine, NEW."fittedAt"))
  EXECUTE FUNCTION report_on_part();
CREATE TRIGGER report_complaint_rows AFTER INSERT OR DELETE ON "Complaint" FOR EACH ROW EXECUTE FUNCTION report_on_complaint();
CREATE TRIGGER report_complaint_update AFTER UPDATE ON "Complaint" FOR EACH ROW
  WHEN ((OLD."ticketId", OLD."openedAt", OLD."resolvedAt") IS DISTINCT FROM (NEW."ticketId", NEW."openedAt", NEW."resolvedAt"))
  EXECUTE FUNCTION report_on_complaint();

-- Merges the deltas of every day that has any into one row per day, type and technician. One
-- statement: a report sees the deltas or their sum, never both or neither.
CREATE FUNCTION report_compact() RETURNS int LANGUAGE sql AS $$
  WITH days AS (SELECT DISTINCT day FROM "ReportDay" WHERE NOT compacted),
  gone AS (DELETE FROM "ReportDay" r USING days WHERE r.day = days.day RETURNING r.*),
  merged AS (
    INSERT INTO "ReportDay" (day, type, "technicianId", compacted, "requestsSms", "requestsWebchat", "requestsSlack", "warrantyRepairs",
      "responseOnTime", "responseDecided", "installationOnTime", "installationDecided", "diagnosisOnTime", "diagnosisDecided",
      rated, satisfied, "ratingSum", "feedbackSettled", "feedbackInTime",
      "causeProductDefect", "causeImproperUse", "causeEnvironment", "causeWear", "causeOther", "partsFitted", "partsGenuine",
      "breachesResponse", "breachesInstallation", "breachesDiagnosis", "breachesFeedback", damages, "forceMajeure", "damagesWaived",
      "complaintsOpened", "complaintsResolved")
    SELECT day, type, "technicianId", true, sum("requestsSms"), sum("requestsWebchat"), sum("requestsSlack"), sum("warrantyRepairs"),
      sum("responseOnTime"), sum("responseDecided"), sum("installationOnTime"), sum("installationDecided"), sum("diagnosisOnTime"), sum("diagnosisDecided"),
      sum(rated), sum(satisfied), sum("ratingSum"), sum("feedbackSettled"), sum("feedbackInTime"),
      sum("causeProductDefect"), sum("causeImproperUse"), sum("causeEnvironment"), sum("causeWear"), sum("causeOther"), sum("partsFitted"), sum("partsGenuine"),
      sum("breachesResponse"), sum("breachesInstallation"), sum("breachesDiagnosis"), sum("breachesFeedback"), sum(damages), sum("forceMajeure"), sum("damagesWaived"),
      sum("complaintsOpened"), sum("complaintsResolved")
    FROM gone GROUP BY day, type, "technicianId"
    RETURNING 1
  )
  SELECT count(*)::int FROM merged
$$;

-- Builds the rollups from the raw rows in `zone`, under the exclusive lock: transactions that
-- change figures wait for it, and those it waits for are in its snapshot.
CREATE FUNCTION report_rebuild(zone text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7018427473016398196);
  -- Instances starting together: the first builds, the others find it done.
  IF EXISTS (SELECT 1 FROM "ReportSetting" WHERE id = 1 AND "timeZone" = zone) THEN RETURN; END IF;
  DELETE FROM "ReportDay";
  INSERT INTO "ReportSetting" (id, "timeZone", "builtAt") VALUES (1, zone, now() AT TIME ZONE 'UTC')
    ON CONFLICT (id) DO UPDATE SET "timeZone" = EXCLUDED."timeZone", "builtAt" = EXCLUDED."builtAt";
  -- Set-based, one aggregate per source; the same shares as the triggers' functions above.
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
  INSERT INTO "ReportDay" (day, type, "technicianId", "breachesResponse", "breachesInstallation", "breachesDiagnosis", "breachesFeedback", damages, "forceMajeure", "damagesWaived")
  SELECT report_day(b."breachedAt", zone), t.type, t."technicianId", count(*) FILTER (WHERE b.kind = 'response'), count(*) FILTER (WHERE b.kind = 'installation'),
    count(*) FILTER (WHERE b.kind = 'diagnosis'), count(*) FILTER (WHERE b.kind = 'feedback'), sum(b.damages), count(*) FILTER (WHERE b."forceMajeure"),
    COALESCE(sum(round(b."serviceValue" * 0.10, 2)) FILTER (WHERE b."forceMajeure"), 0)
  FROM "DeadlineBreach" b JOIN "Ticket" t ON t.id = b."ticketId" GROUP BY 1, 2, 3;
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
