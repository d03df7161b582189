/** Working a ticket as staff would through the API, and what staff see of it in Slack. */
import { expect } from 'vitest'
import type { TestApp } from './app.ts'
import type { World } from './world.ts'

/** An action on a ticket that must succeed (the answer's text in the failure message). */
export async function act(t: TestApp, number: string, body: object): Promise<void> {
  const response = await t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
  expect(response.status, await response.clone().text()).toBe(200)
}

export const respondTo = (t: TestApp, number: string, technician = 'Wang Gong') => act(t, number, { action: 'respond', technician })

/** A staff alert posted in the ticket's own Slack thread (the ticket's message is posted first), for `eventually`. */
export const alertInTicketThread = (world: World, number: string, containing: string) => async () => {
  const ticket = await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number }, select: { slackChannel: true, slackTs: true } })
  if (!ticket.slackTs) return undefined
  return world.slack.of('chat.postMessage').find((call) => call.args.channel === ticket.slackChannel && call.args.thread_ts === ticket.slackTs && String(call.args.text).includes(containing))
}
