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
import { ticketDetailInclude } from '../tickets/view.ts'
import { QUEUES, type JobHandler, type JobQueue } from './queue.ts'

export interface SlackJobDeps {
  prisma: PrismaClient
  slack: { client: WebClient; config: SlackConfig } | undefined
  jobs: JobQueue
  logger: Logger
  timeZone: string
}

export class NotYetPosted extends Error {
  override name = 'NotYetPosted'
}

export function slackSyncJob(deps: SlackJobDeps): JobHandler<{ ticketId: string }> {
  return async ({ ticketId }) => {
    if (!deps.slack) return
    const { client, config } = deps.slack
    const ticket = await deps.prisma.ticket.findUnique({ where: { id: ticketId }, include: ticketDetailInclude })
    if (!ticket) return
    const message = { text: ticketHeadline(ticket), blocks: ticketBlocks(ticket, deps.timeZone) }
    if (ticket.slackTs && ticket.slackChannel) {
      await client.chat.update({ channel: ticket.slackChannel, ts: ticket.slackTs, ...message })
      return
    }
    const posted = await client.chat.postMessage({ channel: config.staffChannel, ...message, unfurl_links: false })
    await deps.prisma.ticket.updateMany({ where: { id: ticketId, slackTs: null }, data: { slackChannel: posted.channel ?? config.staffChannel, slackTs: posted.ts! } })
  }
}

export function staffAlertJob(deps: SlackJobDeps): JobHandler<StaffAlertJob> {
  return async ({ ticketId, alert }) => {
    const text = alertText(alert, deps.timeZone)
    if (!deps.slack) {
      deps.logger.warn({ ticketId, alert: alert.kind }, `staff alert (Slack is off): ${text}`)
      return
    }
    const { client, config } = deps.slack
    if (!ticketId) {
      await client.chat.postMessage({ channel: config.staffChannel, text })
      return
    }
    const ticket = await deps.prisma.ticket.findUnique({ where: { id: ticketId }, select: { number: true, slackChannel: true, slackTs: true, technician: { select: { slackUserId: true } } } })
    if (!ticket) return
    if (!ticket.slackTs || !ticket.slackChannel) {
      // The ticket's own message comes first; this alert is retried once it exists.
      await deps.jobs.send(QUEUES.slackSync, { ticketId }, { singletonKey: ticketId })
      throw new NotYetPosted(`${ticket.number} is not in Slack yet`)
    }
    const mention = ticket.technician?.slackUserId ? ` <@${ticket.technician.slackUserId}>` : ''
    await client.chat.postMessage({ channel: ticket.slackChannel, thread_ts: ticket.slackTs, text: `${text}${mention}` })
  }
}
