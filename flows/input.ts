/**
 * Turns what the customer typed into the conversation's event. Words that work at any step
 * (HELP, CANCEL, STATUS, AGENT, a language name) count only as the whole message, so an
 * address or a name that happens to contain one is still an answer.
 */
import type { IsoDate } from './dates.ts'
import type { Locale } from './locale.ts'
import type { ProductMatch } from './products.ts'
import { normalize } from './service-types.ts'

export type GlobalWord = 'HELP' | 'CANCEL' | 'RESTART' | 'STATUS' | 'AGENT' | 'LINK'

const GLOBAL_WORDS: Record<GlobalWord, string[]> = {
  HELP: ['help', 'menu', 'info', '?', '帮助', '菜单'],
  CANCEL: ['cancel', '取消'],
  RESTART: ['restart', 'start over', 'reset', 'new', 'new request', '重新开始', '重来', '新申请'],
  STATUS: ['status', 'my requests', 'progress', '状态', '进度', '查询进度'],
  AGENT: ['agent', 'human', 'person', 'operator', 'staff', 'talk to a person', '人工', '人工服务', '转人工', '客服'],
  LINK: ['link', 'link phone', 'link my phone', 'phone', '绑定', '绑定手机', '关联手机'],
}

const LANGUAGE_WORDS: Record<string, Locale> = {
  中文: 'zh-CN',
  汉语: 'zh-CN',
  简体中文: 'zh-CN',
  chinese: 'zh-CN',
  english: 'en',
  英文: 'en',
  英语: 'en',
}

const WORD_TO_GLOBAL = new Map<string, GlobalWord>((Object.entries(GLOBAL_WORDS) as [GlobalWord, string[]][]).flatMap(([word, forms]) => forms.map((form) => [form, word] as const)))

/** What the conversation needs to know about the world when a message arrives. */
export interface Circumstances {
  /** The service's calendar day, for relative dates. */
  today: IsoDate
  /** Tickets of this conversation awaiting the customer's YES/NO to their fix, newest first. */
  pending: string[]
  /** Staff can talk to the customer live (a Slack staff channel exists). */
  liveHandoff: boolean
  /** The customer can link a phone number here (not on SMS itself; SMS must be able to send the code). */
  phoneLinking: boolean
  /** §3.2a: the message against the product catalogue, when the model is being asked and there is a catalogue. */
  product?: ProductMatch
}

/** The files that came with a message, as the channel received them (issue 14). */
export interface MediaSummary {
  /** Kept (stored, or fetched later). */
  accepted: number
  refused: ('too_large' | 'type' | 'too_many')[]
  maxBytes: number
  maxPerMessage: number
}

export type TextEvent = { type: 'TEXT'; text: string; media?: MediaSummary } & Circumstances
/** Files without a word. */
export type MediaEvent = { type: 'MEDIA'; media: MediaSummary } & Circumstances
/** START: the customer opened a chat window and has said nothing yet. */
export type InputEvent =
  | TextEvent
  | MediaEvent
  | { type: GlobalWord; text: string; liveHandoff: boolean; phoneLinking: boolean }
  | { type: 'SET_LOCALE'; locale: Locale; text: string }
  | { type: 'START' }

/** The event for one message (with the files it carried, if any). */
export function toInputEvent(text: string, circumstances: Circumstances, media?: MediaSummary): InputEvent {
  if (media && !text.trim()) return { type: 'MEDIA', media, ...circumstances }
  const answer = text.trim() === '?' || text.trim() === '？' ? '?' : normalize(text)
  const word = WORD_TO_GLOBAL.get(answer)
  if (word) return { type: word, text, liveHandoff: circumstances.liveHandoff, phoneLinking: circumstances.phoneLinking }
  const locale = LANGUAGE_WORDS[answer]
  if (locale) return { type: 'SET_LOCALE', locale, text }
  return { type: 'TEXT', text, ...circumstances, ...(media && { media }) }
}
