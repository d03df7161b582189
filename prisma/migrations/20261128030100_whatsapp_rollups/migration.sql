-- WhatsApp requests in the daily rollups, like the other channels.
ALTER TABLE "ReportDay" ADD COLUMN "requestsWhatsapp" INTEGER NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION report_ticket(_t "Ticket", _sign int, _zone text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ReportDay" (day, type, "technicianId", "requestsSms", "requestsWebchat", "requestsSlack", "requestsPhone", "requestsWhatsapp", "warrantyRepairs")
  VALUES (report_day(_t."createdAt", _zone), _t.type, _t."technicianId", _sign * (_t.channel = 'sms')::int, _sign * (_t.channel = 'webchat')::int,
    _sign * (_t.channel = 'slack')::int, _sign * (_t.channel = 'phone')::int, _sign * (_t.channel = 'whatsapp')::int, _sign * (_t.type = 'repair' AND _t.warranty)::int);
  INSERT INTO "ReportDay" (day, type, "technicianId", "causeProductDefect", "causeImproperUse", "causeEnvironment", "causeWear", "causeOther")
  SELECT report_day(_t."diagnosedAt", _zone), _t.type, _t."technicianId", _sign * (_t."rootCause" = 'product_defect')::int, _sign * (_t."rootCause" = 'improper_use')::int,
    _sign * (_t."rootCause" = 'environment')::int, _sign * (_t."rootCause" = 'wear')::int, _sign * (_t."rootCause" = 'other')::int
  WHERE _t."diagnosedAt" IS NOT NULL AND _t."rootCause" IS NOT NULL;
$$;

CREATE OR REPLACE FUNCTION report_compact() RETURNS int LANGUAGE sql AS $$
  WITH days AS (SELECT DISTINCT day FROM "ReportDay" WHERE NOT compacted),
  gone AS (DELETE FROM "ReportDay" r USING days WHERE r.day = days.day RETURNING r.*),
  merged AS (
    INSERT INTO "ReportDay" (day, type, "technicianId", compacted, "requestsSms", "requestsWebchat", "requestsSlack", "requestsPhone", "requestsWhatsapp", "warrantyRepairs",
      "responseOnTime", "responseDecided", "installationOnTime", "installationDecided", "diagnosisOnTime", "diagnosisDecided",
      rated, satisfied, "ratingSum", "feedbackSettled", "feedbackInTime",
      "causeProductDefect", "causeImproperUse", "causeEnvironment", "causeWear", "causeOther", "partsFitted", "partsGenuine",
      "breachesResponse", "breachesInstallation", "breachesDiagnosis", "breachesFeedback", "forceMajeure",
      "damagedServices", damages, "waivedServices", "damagesWaived",
      "reasonLateResponse", "reasonLateInstallation", "reasonLateDiagnosis", "reasonFixRejected", "reasonRepeatFault", "reasonNonGenuinePart",
      "forceMajeureNotices", "complaintsOpened", "complaintsResolved")
    SELECT day, type, "technicianId", true, sum("requestsSms"), sum("requestsWebchat"), sum("requestsSlack"), sum("requestsPhone"), sum("requestsWhatsapp"), sum("warrantyRepairs"),
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
