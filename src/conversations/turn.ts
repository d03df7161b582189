/**
 * One turn of the pure conversation machine: restore from the persisted snapshot, send the
 * customer's event, carry out the commands it emits (feeding their results back), collect the
 * replies, and hand back the new snapshot. The effects themselves are the caller's.
 */
import { createActor, type Snapshot } from 'xstate'
import { conversationMachine, type ConversationContext, type ConversationEmitted, type ConversationEvent, type Reply } from '../../flows/conversation.machine.ts'
import type { Locale } from '../../flows/locale.ts'
import { mediaReply } from '../../flows/conversation.replies.ts'

export type Command = Exclude<ConversationEmitted, { type: 'reply' }>

export interface TurnOutcome {
  replies: Reply[]
  commands: Command[]
  snapshot: unknown
  /** Dotted state path, e.g. `intake.productModel`. */
  state: string
  context: ConversationContext
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value
  const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? ['unknown', '']
  return child ? `${key}.${flatten(child)}` : key
}

function restore(snapshot: unknown, locale: Locale) {
  if (snapshot) {
    try {
      return createActor(conversationMachine, { snapshot: snapshot as Snapshot<unknown>, input: { locale } })
    } catch {
      // A snapshot from an older version of the machine: start the conversation afresh.
    }
  }
  return createActor(conversationMachine, { input: { locale } })
}

/**
 * Runs one turn. `execute` carries out a command and may answer with an event for the
 * machine (the created ticket, the list of tickets).
 */
export async function runTurn(snapshot: unknown, locale: Locale, event: ConversationEvent, execute: (command: Command) => Promise<ConversationEvent | undefined>): Promise<TurnOutcome> {
  const actor = restore(snapshot, locale)
  const emitted: ConversationEmitted[] = []
  actor.on('*', (item) => emitted.push(item))
  actor.start()
  const replies: Reply[] = []
  const commands: Command[] = []
  try {
    actor.send(event)
    while (emitted.length) {
      const item = emitted.shift()!
      if (item.type === 'reply') {
        replies.push(item.reply)
        continue
      }
      commands.push(item)
      const result = await execute(item)
      if (result) actor.send(result)
    }
    const current = actor.getSnapshot()
    if (current.status === 'error') throw current.error
    // The files first: "photo received" (or why one was not), then the answer to the words.
    const media = 'media' in event && event.media ? mediaReply(current.context.locale, event.media) : undefined
    if (media) replies.unshift(media)
    return { replies, commands, snapshot: actor.getPersistedSnapshot(), state: flatten(current.value), context: current.context }
  } finally {
    actor.stop()
  }
}
