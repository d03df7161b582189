-- Issue 16: a deadline's figure ("responded within 24 h", "installed within 3 working days",
-- "diagnosed within 1 h") counts on the day it was decided: the day it was met, when met in time,
-- else the day it fell due (missed). Counting by the due day alone left a response made today,
-- due tomorrow, out of every period ending today ("0 / 0" beside a weekly chart at 100%).
CREATE FUNCTION deadline_decided_at(_due timestamp, _met timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $$
  SELECT LEAST(COALESCE(_met, _due), _due)
$$;

CREATE OR REPLACE FUNCTION report_deadline(_d "Deadline", _type "ServiceType", _tech uuid, _breached boolean, _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "responseOnTime", "responseDecided", "installationOnTime", "installationDecided", "diagnosisOnTime", "diagnosisDecided")
  SELECT report_day(deadline_decided_at(_d."dueAt", _d."metAt"), _zone), _type, _tech,
    _sign * (_d.kind = 'response' AND x.on_time)::int, _sign * (_d.kind = 'response' AND x.decided)::int,
    _sign * (_d.kind = 'installation' AND x.on_time)::int, _sign * (_d.kind = 'installation' AND x.decided)::int,
    _sign * (_d.kind = 'diagnosis' AND x.on_time)::int, _sign * (_d.kind = 'diagnosis' AND x.decided)::int
  FROM (SELECT _d."metAt" IS NOT NULL AND _d."metAt" <= _d."dueAt" AS on_time, _d."metAt" IS NOT NULL OR _breached AS decided) x
  WHERE _d.kind IN ('response', 'installation', 'diagnosis');
$$;

-- The raw rows' path filters on the same instant.
CREATE INDEX "Deadline_decidedAt_idx" ON "Deadline" (deadline_decided_at("dueAt", "metAt"));

CREATE OR REPLACE FUNCTION report_rebuild(zone text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7018427473016398196);
  -- Instances starting together: the first builds, the others find it done.
  IF EXISTS (SELECT 1 FROM "ReportSetting" WHERE id = 1 AND "timeZone" = zone) THEN RETURN; END IF;
  DELETE FROM "ReportDay";
  INSERT INTO "ReportSetting" (id, "timeZone", "builtAt") VALUES (1, zone, now() AT TIME ZONE 'UTC')
    ON CONFLICT (id) DO UPDATE SET "timeZone" = EXCLUDED."timeZone", "builtAt" = EXCLUDED."builtAt";
  -- Set-based, one aggregate per source; the same shares as the triggers' functions.
  INSERT INTO "ReportDay" (day, type, "technicianId", "requestsSms", "requestsWebchat", "requestsSlack", "requestsPhone", "requestsWhatsapp", "warrantyRepairs")
  SELECT report_day("createdAt", zone), type, "technicianId", count(*) FILTER (WHERE channel = 'sms'), count(*) FILTER (WHERE channel = 'webchat'),
    count(*) FILTER (WHERE channel = 'slack'), count(*) FILTER (WHERE channel = 'phone'), count(*) FILTER (WHERE channel = 'whatsapp'), count(*) FILTER (WHERE type = 'repair' AND warranty)
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
    SELECT report_day(deadline_decided_at(d."dueAt", d."metAt"), zone) AS day, t.type, t."technicianId" AS tech, d.kind,
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

-- The rollups were built by due day: the next start rebuilds them (reports read the raw rows meanwhile).
DELETE FROM "ReportSetting";
