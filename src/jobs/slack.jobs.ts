/**
 * Slack work that follows ticket changes, run after commit: keep the ticket's message in the
 * staff channel current, and post alerts in its thread (mentioning the assigned technician).
 */
import type { WebClient } from '@slack/web-api'
import type { SlackConfig } from '../config.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import type { StaffAlertJob } from '../staff/alerts.ts'
import { alertText } from '../staff/slack/alert-text.ts'
import { ticketBlocks, ticketHeadline } from '../staff/slack/ticket-blocks.ts'
import { complaintBlocks, complaintHeadline, complaintInclude } from '../staff/slack/complaint-blocks.ts'
import { ticketDetailInclude } from '../tickets/view.ts'
import type { Locks } from '../db/locks.ts'
import type { JobHandler, JobQueue } from './queue.ts'

export interface SlackJobDeps {
  prisma: PrismaClient
  slack: { client: WebClient; config: SlackConfig } | undefined
  jobs: JobQueue
  locks: Locks
  logger: Logger
  timeZone: string
}

/** One worker at a time posts or updates a ticket's message: it is posted once. */
const ticketLock = (ticketId: string) => `slack-ticket:${ticketId}`

/** Posts the ticket's message, or updates it in place. Call under the ticket's lock. */
async function syncTicket(deps: SlackJobDeps, ticketId: string): Promise<{ channel: string; ts: string } | undefined> {
  if (!deps.slack) return undefined
  const { client, config } = deps.slack
  const ticket = await deps.prisma.ticket.findUnique({ where: { id: ticketId }, include: ticketDetailInclude })
  if (!ticket) return undefined
  const message = { text: ticketHeadline(ticket), blocks: ticketBlocks(ticket, deps.timeZone) }
  if (ticket.slackTs && ticket.slackChannel) {
    await client.chat.update({ channel: ticket.slackChannel, ts: ticket.slackTs, ...message })
    return { channel: ticket.slackChannel, ts: ticket.slackTs }
  }
  const posted = await client.chat.postMessage({ channel: config.staffChannel, ...message, unfurl_links: false })
  const thread = { channel: posted.channel ?? config.staffChannel, ts: posted.ts! }
  await deps.prisma.ticket.update({ where: { id: ticketId }, data: { slackChannel: thread.channel, slackTs: thread.ts } })
  return thread
}

export function slackSyncJob(deps: SlackJobDeps): JobHandler<{ ticketId: string }> {
  return async ({ ticketId }) => {
    await deps.locks.withLock(ticketLock(ticketId), () => syncTicket(deps, ticketId))
  }
}

export function staffAlertJob(deps: SlackJobDeps): JobHandler<StaffAlertJob> {
  return async ({ ticketId, conversationId, alert }) => {
    const text = alertText(alert, deps.timeZone)
    if (!deps.slack) {
      // Without the text: it can carry a customer's number, which is logged at debug only.
      deps.logger.warn({ ticketId, alert: alert.kind }, 'staff alert not posted: Slack is off')
      deps.logger.debug({ ticketId, text }, 'staff alert')
      return
    }
    const { client, config } = deps.slack
    if (conversationId) {
      const conversation = await deps.prisma.conversation.findUnique({ where: { id: conversationId }, select: { handoffChannel: true, handoffThreadTs: true } })
      if (conversation?.handoffChannel && conversation.handoffThreadTs) {
        // Also shown in the channel: everyone should see a customer waiting.
        await client.chat.postMessage({ channel: conversation.handoffChannel, thread_ts: conversation.handoffThreadTs, reply_broadcast: true, text })
        return
      }
    }
    if (!ticketId) {
      await client.chat.postMessage({ channel: config.staffChannel, text })
      return
    }
    const ticket = await deps.prisma.ticket.findUnique({ where: { id: ticketId }, select: { slackChannel: true, slackTs: true, technician: { select: { slackUserId: true } } } })
    if (!ticket) return
    // The alert goes in the ticket's thread: the ticket's own message comes first.
    const thread = ticket.slackTs && ticket.slackChannel ? { channel: ticket.slackChannel, ts: ticket.slackTs } : await deps.locks.withLock(ticketLock(ticketId), () => syncTicket(deps, ticketId))
    if (!thread) return
    const mention = ticket.technician?.slackUserId ? ` <@${ticket.technician.slackUserId}>` : ''
    await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: `${text}${mention}` })
  }
}

/** Posts a complaint to the staff channel (and a pointer in its ticket's thread), or updates it. */
export function complaintSyncJob(deps: SlackJobDeps): JobHandler<{ complaintId: string }> {
  return async ({ complaintId }) => {
    if (!deps.slack) return
    const { client, config } = deps.slack
    await deps.locks.withLock(`slack-complaint:${complaintId}`, async () => {
      const complaint = await deps.prisma.complaint.findUnique({ where: { id: complaintId }, include: complaintInclude })
      if (!complaint) return
      const message = { text: complaintHeadline(complaint), blocks: complaintBlocks(complaint) }
      if (complaint.slackChannel && complaint.slackTs) {
        await client.chat.update({ channel: complaint.slackChannel, ts: complaint.slackTs, ...message })
        return
      }
      const posted = await client.chat.postMessage({ channel: config.staffChannel, ...message })
      await deps.prisma.complaint.update({ where: { id: complaintId }, data: { slackChannel: posted.channel ?? config.staffChannel, slackTs: posted.ts! } })
      if (complaint.ticketId) {
        const ticket = await deps.prisma.ticket.findUnique({ where: { id: complaint.ticketId }, select: { slackChannel: true, slackTs: true } })
        if (ticket?.slackChannel && ticket.slackTs) {
          await client.chat.postMessage({ channel: ticket.slackChannel, thread_ts: ticket.slackTs, text: `:warning: Complaint ${complaint.number} registered: ${complaint.text.slice(0, 300)}` })
        }
      }
    })
  }
}
