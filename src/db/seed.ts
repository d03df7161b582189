/**
 * Realistic history for trying the reports and measuring them: tickets of every service and
 * channel over the past year, with responses (mostly in time), installations, diagnoses, parts,
 * completions, feedback, complaints and breaches, in a few set-based SQL statements (a million
 * tickets take about a minute). Deterministic for a given size.
 */
import pg from 'pg'

export interface SeedOptions {
  tickets: number
  /** History ends here and goes back a year. */
  now: Date
  /**
   * For a large history in a database of its own (the benchmark; needs a superuser): the big
   * tables' secondary indexes are built once after loading instead of row by row, and triggers
   * and foreign-key checks are off while loading (the history is consistent by construction).
   * The report rollups are then marked missing, to be rebuilt from the rows.
   */
  bulk?: boolean
}

/** Every table a history fills. */
const SEEDED_TABLES = ['Technician', 'Customer', 'Ticket', 'Deadline', 'DeadlineBreach', 'ForceMajeure', 'NonConformity', 'Damages', 'Feedback', 'PartUsage', 'Complaint']
/** The tables it fills by the hundred thousand. */
const BIG_TABLES = ['Ticket', 'Deadline', 'DeadlineBreach', 'NonConformity', 'Feedback', 'PartUsage']

const statements = (n: number, now: Date, uuid: string) => {
  const end = now.toISOString()
  return [
    `SELECT setseed(0.42)`,
    `INSERT INTO "Technician" (id, name, phone, active, "createdAt")
       SELECT ${uuid}, 'Technician ' || lpad(g::text, 2, '0'), '+86139' || lpad(g::text, 8, '0'), true, '${end}'::timestamp
       FROM generate_series(1, 24) g`,
    `INSERT INTO "Customer" (id, phone, locale, "createdAt")
       SELECT ${uuid}, '+86138' || lpad(g::text, 8, '0'), CASE WHEN random() < 0.7 THEN 'zh-CN' ELSE 'en' END, '${end}'::timestamp
       FROM generate_series(1, ${Math.max(1, Math.ceil(n / 4))}) g`,
    // One row per ticket with everything drawn at random once; the inserts below read it.
    `CREATE TEMP TABLE seed AS
       WITH customers AS (SELECT array_agg(id) AS ids FROM "Customer"),
            technicians AS (SELECT array_agg(id ORDER BY name) AS ids FROM "Technician"),
            drawn AS (
              SELECT g, ${uuid} AS id,
                '${end}'::timestamp - random() * interval '365 days' AS created,
                random() AS r_type, random() AS r_channel, random() AS r_outcome, random() AS r_response, random() AS r_cause,
                random() AS r_rating, random() AS r_feedback, random() AS r_parts, random() AS r_misc,
                1 + floor(random() * 24)::int AS tech, 1 + floor(random() * ${Math.max(1, Math.ceil(n / 4))})::int AS customer
              FROM generate_series(1, ${n}) g
            )
       SELECT d.*, c.ids[d.customer] AS customer_id, t.ids[d.tech] AS technician_id,
         (CASE WHEN r_type < 0.45 THEN 'repair' WHEN r_type < 0.65 THEN 'installation' WHEN r_type < 0.77 THEN 'maintenance'
               WHEN r_type < 0.88 THEN 'spare_parts' WHEN r_type < 0.96 THEN 'technical_support' ELSE 'training' END)::"ServiceType" AS type,
         (CASE WHEN r_channel < 0.55 THEN 'sms' WHEN r_channel < 0.85 THEN 'webchat' WHEN r_channel < 0.94 THEN 'slack' WHEN r_channel < 0.97 THEN 'whatsapp' ELSE 'phone' END)::"RequestChannel" AS channel,
         -- Responses: most within hours, about 3% after the 24 h deadline.
         CASE WHEN r_response < 0.97 THEN r_response * 22 ELSE 25 + r_response * 20 END AS response_hours,
         r_outcome < 0.03 AS cancelled,
         r_outcome >= 0.03 AND created < '${end}'::timestamp - interval '10 days' AS completed
       FROM drawn d, customers c, technicians t`,
    `ALTER TABLE seed ADD COLUMN completed_at timestamp, ADD COLUMN responded_at timestamp, ADD COLUMN diagnosed_at timestamp, ADD COLUMN arrived_at timestamp`,
    `UPDATE seed SET
       responded_at = created + response_hours * interval '1 hour',
       arrived_at = CASE WHEN type IN ('repair', 'installation', 'maintenance', 'training') THEN created + (response_hours + 4 + r_misc * 40) * interval '1 hour' END,
       completed_at = CASE WHEN completed THEN created + (0.5 + r_outcome * 4.5) * interval '1 day' END`,
    `UPDATE seed SET diagnosed_at = arrived_at + (CASE WHEN r_cause < 0.95 THEN r_cause * 55 ELSE 62 + r_cause * 30 END) * interval '1 minute'
       WHERE type = 'repair' AND NOT cancelled`,
    `INSERT INTO "Ticket" (id, seq, number, "customerId", "conversationId", type, status, "productModel", "serialNumber", description, "deliveryDate", "siteAddress",
         "contactName", channel, "channelAddress", locale, warranty, "serviceValue", "technicianId", "rootCause", findings, solution,
         "respondedAt", "arrivedAt", "diagnosedAt", "resolvedAt", "completedAt", "closedAt", "cancelledAt", "createdAt", "updatedAt")
       SELECT id, seq, 'SR-' || to_char(created, 'YYYY') || '-' || lpad(seq::text, greatest(6, length(seq::text)), '0'),
         customer_id, NULL, type,
         (CASE WHEN cancelled THEN 'cancelled' WHEN completed THEN 'closed' ELSE 'responded' END)::"TicketStatus",
         'Model ' || (1 + floor(r_misc * 40))::int, 'SN' || lpad(g::text, 9, '0'), 'Seeded request', CASE WHEN type = 'installation' THEN created::date END,
         CASE WHEN type IN ('repair', 'installation', 'maintenance', 'training') THEN 'Seeded address ' || g END,
         'Customer ' || customer, channel, '+86138' || lpad(customer::text, 8, '0'), 'zh-CN', type = 'repair' AND r_misc < 0.06,
         CASE type WHEN 'repair' THEN 500 WHEN 'installation' THEN 300 WHEN 'maintenance' THEN 300 WHEN 'spare_parts' THEN 200 WHEN 'technical_support' THEN 100 ELSE 800 END,
         CASE WHEN NOT cancelled THEN technician_id END,
         CASE WHEN diagnosed_at IS NOT NULL THEN (CASE WHEN r_cause < 0.15 THEN 'product_defect' WHEN r_cause < 0.45 THEN 'improper_use' WHEN r_cause < 0.6 THEN 'environment' WHEN r_cause < 0.9 THEN 'wear' ELSE 'other' END)::"RootCause" END,
         CASE WHEN diagnosed_at IS NOT NULL THEN 'Seeded findings' END, CASE WHEN completed THEN 'Seeded solution' END,
         CASE WHEN NOT cancelled THEN responded_at END, CASE WHEN NOT cancelled THEN arrived_at END, diagnosed_at,
         completed_at - interval '2 hours', completed_at, CASE WHEN completed THEN completed_at + interval '1 day' END,
         CASE WHEN cancelled THEN created + interval '3 hours' END, created, created
       -- The sequence named once, not looked up three times a row.
       FROM (SELECT seed.*, nextval('"Ticket_seq_seq"'::regclass) AS seq FROM seed) seed`,
    // Deadlines: response for all; installation (3 working days, roughly 4.2 calendar days); diagnosis for repairs.
    `INSERT INTO "Deadline" (id, "ticketId", kind, "startsAt", "dueAt", "metAt")
       SELECT ${uuid}, id, 'response', created, created + interval '24 hours', CASE WHEN NOT cancelled AND response_hours IS NOT NULL THEN responded_at END FROM seed`,
    `INSERT INTO "Deadline" (id, "ticketId", kind, "startsAt", "dueAt", "metAt")
       SELECT ${uuid}, id, 'installation', created, created + interval '4 days 5 hours', CASE WHEN completed THEN LEAST(completed_at, created + interval '4 days 5 hours' + (CASE WHEN r_misc < 0.96 THEN -1 ELSE 1 END) * interval '6 hours') END
       FROM seed WHERE type = 'installation' AND NOT cancelled`,
    `INSERT INTO "Deadline" (id, "ticketId", kind, "startsAt", "dueAt", "metAt")
       SELECT ${uuid}, id, 'diagnosis', arrived_at, arrived_at + interval '1 hour', diagnosed_at FROM seed WHERE diagnosed_at IS NOT NULL`,
    `INSERT INTO "Deadline" (id, "ticketId", kind, "startsAt", "dueAt", "metAt")
       SELECT ${uuid}, id, 'feedback', completed_at, completed_at + interval '24 hours', CASE WHEN r_feedback < 0.92 THEN completed_at + interval '3 hours' END FROM seed WHERE completed`,
    // Every deadline met late, or never met and past due, is a breach; about 2% under force majeure.
    // Every deadline met late, or never met and past due, is a breach; about 2% happened under a
    // force majeure that named that deadline (§4.1c).
    `INSERT INTO "DeadlineBreach" (id, "deadlineId", "ticketId", kind, "dueAt", "breachedAt", "forceMajeure")
       SELECT ${uuid}, d.id, d."ticketId", d.kind, d."dueAt", d."dueAt" + interval '1 minute', random() < 0.02
       FROM "Deadline" d JOIN "Ticket" t ON t.id = d."ticketId"
       WHERE t.status <> 'cancelled' AND ((d."metAt" IS NOT NULL AND d."metAt" > d."dueAt") OR (d."metAt" IS NULL AND d."dueAt" < '${end}'::timestamp))`,
    `INSERT INTO "ForceMajeure" (id, "ticketId", affects, note, actor, "declaredAt")
       SELECT ${uuid}, b."ticketId", ARRAY[b.kind], 'Seeded force majeure', 'system', b."breachedAt" FROM "DeadlineBreach" b WHERE b."forceMajeure"`,
    // §4.1b: the reasons the services did not conform.
    `INSERT INTO "NonConformity" (id, "ticketId", kind, at, excused, "breachId")
       SELECT ${uuid}, b."ticketId", ('late_' || b.kind::text)::"NonConformityKind", b."breachedAt", b."forceMajeure", b.id
       FROM "DeadlineBreach" b WHERE b.kind IN ('response', 'installation', 'diagnosis')`,
    `INSERT INTO "Feedback" (id, "ticketId", status, channel, "completedAt", "askAt", "windowEndsAt", "askedAt", "answeredAt", rating, comment, "inWindow", source)
       SELECT ${uuid}, id, (CASE WHEN r_feedback < 0.92 THEN 'answered' ELSE 'missed' END)::"FeedbackStatus", (CASE WHEN channel = 'phone' THEN 'sms' ELSE channel::text END)::"Channel", completed_at, completed_at + interval '10 minutes',
         completed_at + interval '24 hours', completed_at + interval '10 minutes', CASE WHEN r_feedback < 0.92 THEN completed_at + interval '3 hours' END,
         CASE WHEN r_feedback < 0.92 THEN (CASE WHEN r_rating < 0.04 THEN 1 WHEN r_rating < 0.08 THEN 2 WHEN r_rating < 0.16 THEN 3 WHEN r_rating < 0.45 THEN 4 ELSE 5 END) END,
         CASE WHEN r_feedback < 0.3 THEN 'Seeded comment' END, r_feedback < 0.92, CASE WHEN r_feedback < 0.92 THEN 'customer' END
       FROM seed WHERE completed`,
    `INSERT INTO "PartUsage" (id, "ticketId", "partNumber", name, quantity, genuine, "fittedAt", "warrantyEndsAt")
       SELECT ${uuid}, id, 'P-' || (100 + floor(r_parts * 900))::int, 'Seeded part', 1 + floor(r_parts * 3)::int, r_parts < 0.98 * 0.6, diagnosed_at + interval '30 minutes', diagnosed_at + interval '1 year 30 minutes'
       FROM seed WHERE diagnosed_at IS NOT NULL AND r_parts < 0.6`,
    `INSERT INTO "NonConformity" (id, "ticketId", kind, at, detail)
       SELECT ${uuid}, "ticketId", 'non_genuine_part', "fittedAt", "partNumber" FROM "PartUsage" WHERE NOT genuine`,
    // Kept by a trigger as reasons arrive; written here when triggers are off (bulk), the same
    // rule: 10% of the value once, waived when every reason is excused.
    `INSERT INTO "Damages" ("ticketId", value, amount, waived, excused, since, "updatedAt")
       SELECT n."ticketId", t."serviceValue", CASE WHEN bool_and(n.excused) THEN 0 ELSE round(t."serviceValue" * 0.10, 2) END,
         CASE WHEN bool_and(n.excused) THEN round(t."serviceValue" * 0.10, 2) ELSE 0 END, bool_and(n.excused), min(n.at), '${end}'::timestamp
       FROM "NonConformity" n JOIN "Ticket" t ON t.id = n."ticketId" GROUP BY n."ticketId", t."serviceValue"
       ON CONFLICT ("ticketId") DO NOTHING`,
    `INSERT INTO "Complaint" (id, seq, number, "customerId", "ticketId", source, status, text, "openedAt", "resolvedAt", outcome)
       SELECT id, seq, 'CP-' || to_char(opened, 'YYYY') || '-' || lpad(seq::text, greatest(6, length(seq::text)), '0'), customer_id, ticket_id, 'low_rating',
         (CASE WHEN resolved THEN 'resolved' ELSE 'open' END)::"ComplaintStatus", text, opened, CASE WHEN resolved THEN opened + interval '2 days' END,
         CASE WHEN resolved THEN 'Seeded outcome' END
       FROM (SELECT ${uuid} AS id, nextval('"Complaint_seq_seq"'::regclass) AS seq, t."customerId" AS customer_id, t.id AS ticket_id,
               random() < 0.8 AS resolved, 'Rated ' || f.rating || '/5' AS text, f."answeredAt" AS opened
             FROM "Feedback" f JOIN "Ticket" t ON t.id = f."ticketId" WHERE f.rating <= 2) complaint`,
    `ANALYZE`,
  ]
}

export async function seedHistory(databaseUrl: string, options: SeedOptions): Promise<void> {
  if (!Number.isInteger(options.tickets) || options.tickets < 1) throw new Error('the number of tickets must be a positive whole number')
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query('BEGIN')
    let indexes: string[] = []
    if (options.bulk) {
      const { rows: existing } = await client.query<{ n: number }>(`SELECT (EXISTS (SELECT 1 FROM "Ticket") OR EXISTS (SELECT 1 FROM "Customer"))::int AS n`)
      if (existing[0]!.n) throw new Error('bulk seeding is for an empty database of its own')
      // Emptied in this transaction: with wal_level=minimal PostgreSQL writes the new rows
      // without logging them, and syncs the files once at commit.
      // (CASCADE reaches only tables that refer to these, empty too without customers.)
      await client.query(`TRUNCATE ${SEEDED_TABLES.map((table) => `"${table}"`).join(', ')} CASCADE`)
      await client.query(`SET LOCAL session_replication_role = replica`)
      await client.query(`SET LOCAL maintenance_work_mem = '256MB'`)
      // Secondary indexes only: primary keys stay (their constraints are referenced).
      const { rows } = await client.query<{ name: string; definition: string }>(
        `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
         WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype = 'p')`,
        [BIG_TABLES],
      )
      indexes = rows.map((row) => row.definition)
      for (const row of rows) await client.query(`DROP INDEX "${row.name}"`)
    }
    // Time-ordered ids (PostgreSQL 18) go to the end of each primary key instead of anywhere in it.
    const { rows: version } = await client.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`)
    const uuid = options.bulk && version[0]!.v >= 180000 ? 'uuidv7()' : 'gen_random_uuid()'
    for (const statement of statements(options.tickets, options.now, uuid)) await client.query(statement)
    if (options.bulk) await client.query(`DELETE FROM "ReportSetting"`)
    await client.query('COMMIT')
    if (!options.bulk) {
      await client.query('ANALYZE')
      return
    }
    // The secondary indexes, built after loading two at a time (each is one sort; this machine
    // has two cores), then the pages marked all-visible as autovacuum would (index-only scans
    // need it) and the statistics gathered.
    await buildInParallel(databaseUrl, indexes, 2)
    await client.query(`VACUUM (ANALYZE) ${BIG_TABLES.map((table) => `"${table}"`).join(', ')}`)
    await client.query('ANALYZE')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    await client.end()
  }
}

/** Runs the statements on `connections` connections of their own, each taking the next. */
async function buildInParallel(databaseUrl: string, statements: string[], connections: number): Promise<void> {
  const queue = [...statements]
  await Promise.all(
    Array.from({ length: Math.min(connections, queue.length) }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl })
      await client.connect()
      try {
        await client.query(`SET maintenance_work_mem = '256MB'`)
        for (let next = queue.shift(); next; next = queue.shift()) await client.query(next)
      } finally {
        await client.end()
      }
    }),
  )
}
