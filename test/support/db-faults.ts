/**
 * Database faults on demand, for one test database: terminate its connections (what a
 * PostgreSQL restart, a failover or a proxy's idle timeout does), or catch a turn inside its
 * transaction by holding the sender's advisory lock and terminate it there.
 */
import pg from 'pg'
import { senderKey } from '../../src/conversations/party.ts'
import { eventually } from './world.ts'

/** A connection of the test's own to the test database (errors ignored: faults are the point). */
export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'test-faults' })
  client.on('error', () => undefined)
  await client.connect()
  return client
}

/** Terminates every connection to the database but the test's own; returns how many. */
export async function terminateConnections(client: pg.Client, filter = 'true'): Promise<number> {
  const { rows } = await client.query(
    `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'test-faults' AND ${filter}`,
  )
  return rows.filter((row) => row.done).length
}

/**
 * Holds one sender's advisory lock and their conversation's row — or, for a sender not known yet,
 * an uncommitted identity with their address — so that their next turn waits in the middle (a
 * full turn at the lock, inside its transaction; a two-statement turn at its save or create);
 * `terminateWaiting()` then ends that turn's connection there. `release()` rolls it all back.
 */
export async function holdSender(url: string, channel: string, address: string) {
  const client = await connect(url)
  await client.query('BEGIN')
  await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [senderKey(channel, address)])
  const held = await client.query(`SELECT 1 FROM "Conversation" c JOIN "ChannelIdentity" i ON i.id = c."identityId" WHERE i.channel = $1::"Channel" AND i.address = $2 FOR UPDATE OF c`, [
    channel,
    address,
  ])
  if (!held.rowCount) {
    await client.query(
      `WITH c AS (INSERT INTO "Customer" (id, locale) VALUES (gen_random_uuid(), 'en') RETURNING id)
      INSERT INTO "ChannelIdentity" (id, channel, address, "customerId") SELECT gen_random_uuid(), $1::"Channel", $2, c.id FROM c`,
      [channel, address],
    )
  }
  let released = false
  const waiting = async () => {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`)
    return rows[0].n as number
  }
  return {
    /** Waits until `count` turns are blocked behind the lock. */
    async untilWaiting(count = 1) {
      await eventually(async () => (await waiting()) >= count, `${count} turn(s) waiting for the sender lock`)
    },
    async terminateWaiting(): Promise<number> {
      return terminateConnections(client, `wait_event_type = 'Lock'`)
    },
    /** Rolls back and disconnects; a second call does nothing (tests release in `finally`). */
    async release() {
      if (released) return
      released = true
      await client.query('ROLLBACK')
      await client.query('SELECT pg_advisory_unlock_all()')
      await client.end()
    },
  }
}
