/**
 * Slack work that follows ticket changes, run after commit: keep the ticket's message in the
 * staff channel current, and post alerts in its thread (mentioning the assigned technician).
 */
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import type { StaffAlertJob } from '../staff/alerts.ts'
import { alertText } from '../staff/slack/alert-text.ts'
import { md, mention } from '../channels/slack/mrkdwn.ts'
import { ticketBlocks, ticketHeadline } from '../staff/slack/ticket-blocks.ts'
import { complaintBlocks, complaintHeadline, complaintInclude } from '../staff/slack/complaint-blocks.ts'
import type { SlackMessageRef, StaffChannel } from '../staff/slack/staff-channel.ts'
import { ticketDetailInclude } from '../tickets/view.ts'
import type { Locks } from '../db/locks.ts'
import type { JobHandler, JobQueue } from './queue.ts'
import { cutText } from '../text/cut.ts'

export interface SlackJobDeps {
  prisma: PrismaClient
  /** Undefined when Slack is off. */
  staff: StaffChannel | undefined
  jobs: JobQueue
  locks: Locks
  logger: Logger
  timeZone: string
  /** A signed link to a customer's file. */
  mediaUrl?(id: string): string
}

/** One worker at a time posts or updates a ticket's message: it is posted once. */
const ticketLock = (ticketId: string) => `slack-ticket:${ticketId}`

/** Posts the ticket's message, or updates it in place. Call under the ticket's lock. */
async function syncTicket(deps: SlackJobDeps, ticketId: string): Promise<SlackMessageRef | undefined> {
  const { staff } = deps
  if (!staff) return undefined
  const ticket = await deps.prisma.ticket.findUnique({ where: { id: ticketId }, include: ticketDetailInclude })
  if (!ticket) return undefined
  const message = { text: ticketHeadline(ticket), blocks: ticketBlocks(ticket, deps.timeZone, deps.mediaUrl) }
  if (ticket.slackTs && ticket.slackChannel) {
    const at = { channel: ticket.slackChannel, ts: ticket.slackTs }
    await staff.update(at, message)
    return at
  }
  const thread = await staff.post(message)
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
    const { staff } = deps
    if (!staff) {
      // Without the text: it can carry a customer's number, which is logged at debug only.
      deps.logger.warn({ ticketId, alert: alert.kind }, 'staff alert not posted: Slack is off')
      deps.logger.debug({ ticketId, text }, 'staff alert')
      return
    }
    if (conversationId) {
      const conversation = await deps.prisma.conversation.findUnique({ where: { id: conversationId }, select: { handoffChannel: true, handoffThreadTs: true } })
      if (conversation?.handoffChannel && conversation.handoffThreadTs) {
        // Also shown in the channel: everyone should see a customer waiting.
        await staff.reply({ channel: conversation.handoffChannel, ts: conversation.handoffThreadTs }, text, { broadcast: true })
        return
      }
    }
    if (!ticketId) {
      await staff.post({ text })
      return
    }
    const ticket = await deps.prisma.ticket.findUnique({ where: { id: ticketId }, select: { slackChannel: true, slackTs: true, technician: { select: { slackUserId: true } } } })
    if (!ticket) return
    // The alert goes in the ticket's thread: the ticket's own message comes first.
    const thread = ticket.slackTs && ticket.slackChannel ? { channel: ticket.slackChannel, ts: ticket.slackTs } : await deps.locks.withLock(ticketLock(ticketId), () => syncTicket(deps, ticketId))
    if (!thread) return
    await staff.reply(thread, ticket.technician?.slackUserId ? md`${text} ${mention(ticket.technician.slackUserId)}` : text)
  }
}

/** Posts a complaint to the staff channel (and a pointer in its ticket's thread), or updates it. */
export function complaintSyncJob(deps: SlackJobDeps): JobHandler<{ complaintId: string }> {
  return async ({ complaintId }) => {
    const { staff } = deps
    if (!staff) return
    await deps.locks.withLock(`slack-complaint:${complaintId}`, async () => {
      const complaint = await deps.prisma.complaint.findUnique({ where: { id: complaintId }, include: complaintInclude })
      if (!complaint) return
      const message = { text: complaintHeadline(complaint), blocks: complaintBlocks(complaint) }
      if (complaint.slackChannel && complaint.slackTs) {
        await staff.update({ channel: complaint.slackChannel, ts: complaint.slackTs }, message)
        return
      }
      const posted = await staff.post(message)
      await deps.prisma.complaint.update({ where: { id: complaintId }, data: { slackChannel: posted.channel, slackTs: posted.ts } })
      if (complaint.ticketId) {
        const ticket = await deps.prisma.ticket.findUnique({ where: { id: complaint.ticketId }, select: { slackChannel: true, slackTs: true } })
        if (ticket?.slackChannel && ticket.slackTs) {
          await staff.reply({ channel: ticket.slackChannel, ts: ticket.slackTs }, md`:warning: Complaint ${complaint.number} registered: ${cutText(complaint.text, 300)}`)
        }
      }
    })
  }
}
