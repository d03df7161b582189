/**
 * Staff work tickets from Slack: Bolt on our Express app at POST /slack/events (events,
 * interactivity and the /aftercare command). Bolt checks signatures and the 5-minute timestamp
 * window (401 otherwise) and acknowledges within the 3-second limit; slow work happens after
 * the ack. Buttons and modals end in the same `tickets.apply` as the admin API.
 */
import { App, ExpressReceiver, type BlockAction, type ButtonAction, type OverflowAction, type StaticSelectAction } from '@slack/bolt'
import type { WebClient } from '@slack/web-api'
import express from 'express'
import { legalActions, TICKET_ACTIONS, type TicketAction } from '../../../flows/ticket.machine.ts'
import type { SlackConfig } from '../../config.ts'
import { registerSlackCustomerListeners } from '../../channels/slack/listeners.ts'
import type { Inbound, TurnResult } from '../../channels/types.ts'
import type { Clock } from '../../clock.ts'
import type { Conversations } from '../../conversations/handle.ts'
import type { PrismaClient } from '../../db/client.ts'
import type { JobQueue } from '../../jobs/queue.ts'
import { AppError } from '../../errors.ts'
import type { Logger } from '../../logger.ts'
import type { TicketService } from '../../tickets/apply.ts'
import type { Actor } from '../../tickets/actors.ts'
import { TICKET_NUMBER } from '../../tickets/numbers.ts'
import { findTicketDetail } from '../../tickets/view.ts'
import { boltLogger } from './bolt-logger.ts'
import { slackErrorAnswer } from './error-answer.ts'
import { isDatabaseUnavailable } from '../../db/errors.ts'
import { ACTION_LABELS, ONE_CLICK_ACTIONS } from './labels.ts'
import { actionModal, MODAL_CALLBACK_ID, readSubmission } from './modals.ts'
import { RELEASE_ACTION_ID } from './handoff.ts'
import { COMPLAINT_ACTION_PREFIX, COMPLAINT_MODAL_ID, complaintModal } from './complaint-blocks.ts'
import type { ComplaintService } from '../../complaints/service.ts'
import type { FeedbackService } from '../../feedback/service.ts'
import { ACTION_ID_PREFIX, MORE_ACTION_ID, ticketBlocks, ticketHeadline } from './ticket-blocks.ts'
import { SURVEY_SKIP_MODAL_ID, surveySkipModal } from './survey-modal.ts'
import { handleThreadReply } from './thread-replies.ts'
import { firstTime } from './once.ts'
import { channelLink, md, mention, slackTextToPlain } from '../../channels/slack/mrkdwn.ts'
import { createStaffChannel } from './staff-channel.ts'
import type { SlackIdentity } from './client.ts'
import { PHONE_REQUEST_MODAL_ID, phoneRequestModal, readPhoneRequestForm } from './phone-request-modal.ts'
import type { PhoneRequests } from '../../tickets/phone-requests.ts'
import type { MediaIntake } from '../../media/intake.ts'
import type { AccountService } from '../../accounts/service.ts'
import { fileUrls, type SharedFile } from '../../channels/slack/files.ts'

export interface SlackStaffDeps {
  config: SlackConfig
  client: WebClient
  prisma: PrismaClient
  tickets: TicketService
  conversations: Pick<Conversations, 'endHandoff'>
  complaints: ComplaintService
  feedback: Pick<FeedbackService, 'skip' | 'resend'>
  /** §3.1a: requests taken by phone, from `/aftercare new`. */
  phoneRequests: PhoneRequests
  /** A signed link to a customer's file. */
  mediaUrl?(id: string): string
  /** Files Slack customers share. */
  media?: MediaIntake
  /** The app's ids, from the token check at start: Bolt does not check the token again. */
  identity: SlackIdentity
  /** The customers' path, for Slack customers (DMs and mentions). */
  handle(inbound: Inbound): Promise<TurnResult>
  jobs: JobQueue
  clock: Clock
  logger: Logger
  timeZone: string
  /** Issue 15: a Slack user linked to an account acts as that account. */
  accounts?: Pick<AccountService, 'bySlackUser'>
}

const USAGE =
  'Usage: `/aftercare SR-2026-000123` shows a ticket with its buttons; `/aftercare new` logs a request taken by phone; `/aftercare release SR-2026-000123` gives its customer back to the bot after a hand-off.'

const isAction = (value: string): value is TicketAction => (TICKET_ACTIONS as readonly string[]).includes(value)

export function slackStaffRouter(deps: SlackStaffDeps): express.Router {
  const { config, client, prisma, tickets, logger, timeZone } = deps
  const router = express.Router()
  const receiver = new ExpressReceiver({
    signingSecret: config.signingSecret,
    endpoints: '/slack/events',
    // Answer Slack once the work is done, so a failure can still say "try again": with the
    // database away, Slack gets 503 and retries the event (deduped by event_id), instead of a 200
    // for a message we never stored.
    processBeforeResponse: true,
    processEventErrorHandler: slackErrorAnswer(logger),
    router,
    logger: boltLogger(logger),
  })
  // Bolt makes its own client (auth.test at start, listeners' `client`): point it at SLACK_API_URL too.
  // The token was checked at start (checkSlackToken): Bolt's own check would run unawaited and,
  // with Slack out of reach or the token refused, end the process with an unhandled rejection.
  const app = new App({
    token: config.botToken,
    ...deps.identity,
    tokenVerificationEnabled: false,
    receiver,
    logger: boltLogger(logger),
    clientOptions: { slackApiUrl: config.apiUrl, retryConfig: { retries: 0 } },
  })

  // Slack's retries of a button press carry the same action_ts: the press counts once.
  app.use(async (args) => {
    const body = args.body as { type?: string; actions?: { action_id?: string; action_ts?: string }[]; user?: { id?: string } }
    const first = body.type === 'block_actions' ? body.actions?.[0] : undefined
    if (first?.action_ts && !(await firstTime(prisma, 'slack-action', `${body.user?.id}:${first.action_id}:${first.action_ts}`))) {
      await (args as { ack?: () => Promise<void> }).ack?.()
      return
    }
    await args.next()
  })

  /** Who a Slack user is on our records: their account when linked, else their Slack id. */
  async function actorOf(user: { id: string; name?: string; username?: string }): Promise<Actor> {
    const account = await deps.accounts?.bySlackUser(user.id)
    return account ? { id: `account:${account.id}`, name: account.name } : { id: `slack:${user.id}`, name: user.name ?? user.username }
  }
  const actorId = async (user: { id: string }) => (await actorOf(user)).id

  // SLACK_REQUIRE_ACCOUNT: staff act from Slack only as someone with an account. Customers' DMs are not staff's business here.
  if (config.requireAccount) {
    app.use(async (args) => {
      const body = args.body as { type?: string; user?: { id?: string }; user_id?: string; command?: string; event?: { channel?: string; user?: string } }
      const staffEvent = body.type === 'event_callback' && body.event?.channel === config.staffChannel
      const user = body.user?.id ?? body.user_id ?? (staffEvent ? body.event?.user : undefined)
      const interaction = body.type === 'block_actions' || body.type === 'view_submission' || body.command !== undefined
      if (user && (interaction || staffEvent) && !(await deps.accounts?.bySlackUser(user))) {
        await (args as { ack?: () => Promise<void> }).ack?.()
        await staff.ephemeral(user, md`Your Slack user is not linked to an Aftercare account, so nothing was done. Ask an admin to add your Slack id to your account.`).catch(() => undefined)
        return
      }
      await args.next()
    })
  }

  const staff = createStaffChannel(client, config.staffChannel)
  const explain = async (user: string, text: string) => {
    await staff.ephemeral(user, md`${text}`).catch((error: unknown) => logger.warn({ err: error }, 'could not tell a Slack user why an action failed'))
  }

  const apply = async (number: string, input: Parameters<TicketService['apply']>[1], user: { id: string; name?: string; username?: string }) => {
    try {
      await tickets.apply(number, input, await actorOf(user))
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      await explain(user.id, `${ACTION_LABELS[input.action]} on ${number}: ${error.message}`)
    }
  }

  /** A button or menu item: act at once, or open the modal that asks for what the action needs. */
  async function start(action: TicketAction, number: string, body: BlockAction) {
    if (ONE_CLICK_ACTIONS.includes(action)) return apply(number, { action } as Parameters<TicketService['apply']>[1], body.user)
    const technicians =
      action === 'respond' || action === 'reassign' ? await prisma.technician.findMany({ where: { active: true }, orderBy: { name: 'asc' }, take: 100, select: { id: true, name: true } }) : []
    await client.views.open({ trigger_id: body.trigger_id, view: actionModal(action, number, technicians) })
  }

  /** Tickets are worked in the staff channel only: a button elsewhere (a forwarded message) does nothing. */
  const inStaffChannel = async (body: BlockAction) => {
    if (body.channel?.id === config.staffChannel) return true
    await staff.ephemeral(body.user.id, md`Tickets are worked in ${channelLink(config.staffChannel)}.`, body.channel?.id).catch(() => undefined)
    return false
  }

  app.action<BlockAction<ButtonAction>>(new RegExp(`^${ACTION_ID_PREFIX}`), async ({ ack, body, action }) => {
    await ack()
    if (!(await inStaffChannel(body))) return
    const name = action.action_id.slice(ACTION_ID_PREFIX.length)
    if (isAction(name)) await start(name, action.value ?? '', body)
  })

  // The "more" element is an overflow menu, a select menu past five actions, or a button for one.
  app.action<BlockAction<OverflowAction | StaticSelectAction | ButtonAction>>(MORE_ACTION_ID, async ({ ack, body, action }) => {
    await ack()
    if (!(await inStaffChannel(body))) return
    const chosen = action.type === 'button' ? action.value : action.selected_option?.value
    const [name, number] = (chosen ?? '').split('|')
    if (!name || !number) return
    const actor = await actorId(body.user)
    const explainFailure = (error: unknown) => (error instanceof AppError ? explain(body.user.id, `${number}: ${error.message}`) : Promise.reject(error))
    if (name === 'complaint') await client.views.open({ trigger_id: body.trigger_id, view: complaintModal('report', number) })
    else if (name === 'survey_skip') await client.views.open({ trigger_id: body.trigger_id, view: surveySkipModal(number) })
    else if (name === 'survey_resend') await deps.feedback.resend(number, actor).catch(explainFailure)
    else if (isAction(name)) await start(name, number, body)
  })

  // §3.3d: the complaint's buttons, and the modals for a note, an outcome or a staff report.
  app.action<BlockAction<ButtonAction>>(new RegExp(`^${COMPLAINT_ACTION_PREFIX}`), async ({ ack, body, action }) => {
    await ack()
    if (!(await inStaffChannel(body))) return
    const what = action.action_id.slice(COMPLAINT_ACTION_PREFIX.length)
    const number = action.value ?? ''
    if (what === 'take')
      await deps.complaints
        .act(number, { action: 'take' }, await actorId(body.user))
        .catch((error: unknown) => (error instanceof AppError ? explain(body.user.id, error.message) : Promise.reject(error)))
    else if (what === 'note' || what === 'resolve') await client.views.open({ trigger_id: body.trigger_id, view: complaintModal(what, number) })
  })

  app.view(SURVEY_SKIP_MODAL_ID, async ({ ack, view, body }) => {
    const { number } = JSON.parse(view.private_metadata) as { number: string }
    const reason = (view.state.values.reason?.value?.value ?? '').trim()
    if (!reason) return ack({ response_action: 'errors', errors: { reason: 'Please say why: a skipped survey is a follow-up not made (§3.3a).' } })
    await ack()
    if (!(await firstTime(prisma, 'slack-view', view.id))) return
    const customerAsked = (view.state.values.customerAsked?.value?.selected_options ?? []).length > 0
    await deps.feedback.skip(number, await actorId(body.user), { reason, customerAsked }).catch((error: unknown) => {
      if (error instanceof AppError) return explain(body.user.id, `${number}: ${error.message}`)
      throw error
    })
  })

  app.view(COMPLAINT_MODAL_ID, async ({ ack, view, body }) => {
    const { number, action } = JSON.parse(view.private_metadata) as { number: string; action: 'note' | 'resolve' | 'report' }
    const text = (view.state.values.text?.value?.value ?? '').trim()
    if (!text) return ack({ response_action: 'errors', errors: { text: 'Please write something.' } })
    await ack()
    // A modal submitted twice (a double click, Slack's retry) is recorded once.
    if (!(await firstTime(prisma, 'slack-view', view.id))) return
    const actor = await actorId(body.user)
    try {
      if (action === 'report') await deps.complaints.report(number, text, actor)
      else await deps.complaints.act(number, action === 'note' ? { action: 'note', text } : { action: 'resolve', outcome: text }, actor)
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      await explain(body.user.id, error.message)
    }
  })

  app.view(MODAL_CALLBACK_ID, async ({ ack, view, body }) => {
    const { number, action } = JSON.parse(view.private_metadata) as { number: string; action: TicketAction }
    const result = readSubmission(action, view.state.values as Parameters<typeof readSubmission>[1])
    if (!result.ok) return ack({ response_action: 'errors', errors: result.errors })
    // Someone may have moved the ticket while the modal was open: say so in the modal.
    const ticket = await prisma.ticket.findUnique({ where: { number }, select: { type: true, status: true } })
    const firstBlock = view.blocks.find((block) => block.type === 'input')?.block_id ?? 'note'
    if (!ticket) return ack({ response_action: 'errors', errors: { [firstBlock]: `${number} no longer exists.` } })
    if (!legalActions(ticket.type, ticket.status).includes(action)) {
      return ack({ response_action: 'errors', errors: { [firstBlock]: `${number} is now ${ticket.status.replace('_', ' ')}: ${ACTION_LABELS[action].toLowerCase()} is no longer possible.` } })
    }
    await ack()
    if (!(await firstTime(prisma, 'slack-view', view.id))) return
    await apply(number, result.input, body.user)
  })

  app.view(PHONE_REQUEST_MODAL_ID, async ({ ack, view, body }) => {
    const form = readPhoneRequestForm(view.state.values as Parameters<typeof readPhoneRequestForm>[0])
    if (!form.ok) return ack({ response_action: 'errors', errors: form.errors })
    const problems = deps.phoneRequests.problems(form.input)
    if (problems) return ack({ response_action: 'errors', errors: problems })
    await ack()
    if (!(await firstTime(prisma, 'slack-view', view.id))) return
    try {
      const logged = await deps.phoneRequests.log(form.input, await actorId(body.user))
      await explain(
        body.user.id,
        `Logged ${logged.number} for ${form.input.phone}${logged.notifiedBySms ? '; the caller gets a text with the number.' : '; tell the caller the number: no text goes out.'}`,
      )
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      await explain(body.user.id, `The phone request was not logged: ${error.message}`)
    }
  })

  app.command('/aftercare', async ({ ack, command }) => {
    // Tickets carry customers' addresses and numbers: shown in the staff channel only.
    if (command.channel_id !== config.staffChannel) return ack({ response_type: 'ephemeral', text: md`Use /aftercare in ${channelLink(config.staffChannel)}.`.text })
    const text = command.text.trim().toUpperCase()
    if (text === 'NEW') {
      await ack()
      await client.views.open({ trigger_id: command.trigger_id, view: phoneRequestModal(deps.phoneRequests.textsByDefault) })
      return
    }
    const releasing = /^RELEASE\s+(SR-\S+)$/.exec(text)
    if (releasing) {
      const handedOff = await prisma.conversation.findMany({ where: { handoffActive: true, tickets: { some: { number: releasing[1] } } }, select: { id: true } })
      if (!handedOff.length) return ack({ response_type: 'ephemeral', text: md`No customer of ${releasing[1]} is talking with staff.`.text })
      await ack({ response_type: 'ephemeral', text: md`Giving ${releasing[1]}'s customer back to the bot.`.text })
      for (const { id } of handedOff) await release(id, command.user_id)
      return
    }
    if (!TICKET_NUMBER.test(text)) return ack({ response_type: 'ephemeral', text: USAGE })
    const ticket = await findTicketDetail(prisma, text)
    if (!ticket) return ack({ response_type: 'ephemeral', text: md`No ticket ${text}.`.text })
    await ack({ response_type: 'ephemeral', text: ticketHeadline(ticket).text, blocks: ticketBlocks(ticket, timeZone, deps.mediaUrl) })
  })

  // A reply in a thread of the staff channel: to the customer during a hand-off, else a note.
  // Slack retries are recognised by event_id.
  app.event('message', async ({ event, body }) => {
    if ((event.subtype !== undefined && event.subtype !== 'file_share') || event.channel !== config.staffChannel || !('thread_ts' in event) || !event.thread_ts || event.thread_ts === event.ts) return
    if ('bot_id' in event && event.bot_id) return
    const user = 'user' in event ? event.user : undefined
    if (!user) return
    const threadTs = event.thread_ts
    // Replies in one thread are handled in the order they arrived (each is awaited by the next).
    await inOrder(`${event.channel}:${threadTs}`, async () =>
      handleThreadReply(
        { prisma, jobs: deps.jobs, clock: deps.clock, logger, media: deps.media, mediaUrl: deps.mediaUrl, actor: await actorId({ id: user }) },
        {
          eventId: (body as { event_id?: string }).event_id ?? `${event.channel}:${event.ts}`,
          channel: event.channel,
          threadTs,
          ts: event.ts,
          user,
          staffName: await staffName(user),
          // Staff write in Slack; the customer reads plain text on their own channel.
          text: slackTextToPlain('text' in event ? (event.text ?? '') : ''),
          fileUrls: fileUrls('files' in event ? (event.files as SharedFile[] | undefined) : undefined),
        },
      ),
    )
  })

  const threads = new Map<string, Promise<unknown>>()
  function inOrder<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = threads.get(key) ?? Promise.resolve()
    const next = previous.then(work, work)
    const settled = next.catch(() => undefined)
    threads.set(key, settled)
    void settled.then(() => threads.get(key) === settled && threads.delete(key))
    return next
  }

  // "Give back to the bot", on the hand-off's opening message.
  app.action<BlockAction<ButtonAction>>(RELEASE_ACTION_ID, async ({ ack, body, action }) => {
    await ack()
    if (!(await inStaffChannel(body))) return
    await release(action.value ?? '', body.user.id)
  })

  async function release(conversationId: string, user: string): Promise<boolean> {
    const released = await deps.conversations.endHandoff(conversationId, await actorId({ id: user }))
    const thread = await prisma.conversation.findUnique({ where: { id: conversationId }, select: { handoffChannel: true, handoffThreadTs: true } })
    if (released && thread?.handoffChannel && thread.handoffThreadTs) {
      await staff.reply({ channel: thread.handoffChannel, ts: thread.handoffThreadTs }, md`:robot_face: ${mention(user)} gave the conversation back to the bot.`).catch(() => undefined)
    }
    return released
  }

  /** How customers see a staff member: their Slack display name. */
  const names = new Map<string, string>()
  async function staffName(user: string): Promise<string> {
    if (!names.has(user)) {
      const info = await client.users.info({ user }).catch(() => undefined)
      const profile = info?.user?.profile
      names.set(user, profile?.display_name || profile?.real_name || info?.user?.name || 'Our team')
    }
    return names.get(user)!
  }

  registerSlackCustomerListeners(app, { handle: deps.handle, staffChannel: config.staffChannel, now: () => deps.clock.now(), logger, media: deps.media })

  app.error(async (error) => {
    // Rethrown: the receiver answers 503 and Slack retries. Anything else is ours, logged.
    if (isDatabaseUnavailable(error)) throw error
    logger.error({ err: error }, 'Slack listener failed')
  })

  return router
}
