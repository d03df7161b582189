/**
 * Microsoft's Direct Line client, botframework-directlinejs (the one inside Web Chat), run in Node
 * against our server. Three things a browser gives it are supplied here through its own service
 * options: HTTP (it calls RxJS 5's ajax, which needs XMLHttpRequest: here fetch does the calls,
 * and each is logged), the WebSocket (the `ws` package's; the library also looks for a global
 * WebSocket when it is constructed, so one is lent to it for that moment), and its scheduler, so
 * that its 15-minute token refresh can be brought forward to a test's pace.
 */
import { createRequire } from 'node:module'
import { type Activity, type ConnectionStatus, DirectLine } from 'botframework-directlinejs'
import WebSocket from 'ws'

// The library's own RxJS 5: its operators are added to that copy's Observable, so what our ajax
// returns must be one of those.
const fromLibrary = createRequire(createRequire(import.meta.url).resolve('botframework-directlinejs'))
interface Subscriber<T> {
  next(value: T): void
  error(error: unknown): void
  complete(): void
}
const { Observable } = fromLibrary('rxjs/Observable') as { Observable: new <T>(subscribe: (subscriber: Subscriber<T>) => () => void) => unknown }
const { async: asyncScheduler } = fromLibrary('rxjs/scheduler/async') as {
  async: { now(): number; schedule(work: (state?: unknown) => void, delay?: number, state?: unknown): unknown }
}

/** DirectLineJS refreshes its token every 15 minutes (half of Azure's 30-minute life). */
export const LIBRARY_REFRESH_INTERVAL_MS = 15 * 60 * 1000

export interface Call {
  method: string
  url: string
  authorization?: string
  /** 0: no answer. */
  status: number
  /** When the answer came (Date.now()). */
  at: number
}

interface AjaxRequest {
  url: string
  method?: string
  body?: unknown
  headers?: Record<string, string>
  timeout?: number
  responseType?: string
}

/** RxJS 5's ajax as DirectLineJS uses it (its request, AjaxResponse and AjaxError shapes), over fetch. */
function fetchAjax(calls: Call[]) {
  return (request: AjaxRequest | string) =>
    new Observable((subscriber: Subscriber<unknown>) => {
      const req = typeof request === 'string' ? { url: request } : request
      const method = req.method ?? 'GET'
      const controller = new AbortController()
      const timer = req.timeout ? setTimeout(() => controller.abort(), req.timeout) : undefined
      const body = req.body === undefined || typeof req.body === 'string' || req.body instanceof FormData ? req.body : JSON.stringify(req.body)
      const authorization = req.headers?.Authorization ?? req.headers?.authorization
      void (async () => {
        try {
          const response = await fetch(req.url, { method, headers: req.headers, body: body as RequestInit['body'], signal: controller.signal })
          const xhr = { getResponseHeader: (name: string) => response.headers.get(name) }
          let parsed: unknown = null
          if (req.responseType === 'arraybuffer') parsed = await response.arrayBuffer()
          else {
            const text = await response.text()
            try {
              parsed = text ? JSON.parse(text) : null
            } catch {
              parsed = text
            }
          }
          calls.push({ method, url: req.url, authorization, status: response.status, at: Date.now() })
          if (response.status >= 200 && response.status < 300) {
            subscriber.next({ status: response.status, response: parsed, xhr, request: req })
            subscriber.complete()
          } else subscriber.error(Object.assign(new Error(`ajax error ${response.status}`), { status: response.status, response: parsed, xhr, request: req }))
        } catch (error) {
          // No answer (refused, reset, timed out): XMLHttpRequest's status 0.
          calls.push({ method, url: req.url, authorization, status: 0, at: Date.now() })
          subscriber.error(Object.assign(new Error(`ajax failed: ${String(error)}`), { status: 0, xhr: { getResponseHeader: () => null }, request: req }))
        } finally {
          clearTimeout(timer)
        }
      })()
      return () => controller.abort()
    })
}

/** The default async scheduler, except that the token refresh timer fires after `refreshAfterMs`. */
function schedulerFor(refreshAfterMs: number | undefined) {
  return {
    now: () => asyncScheduler.now(),
    schedule: (work: (state?: unknown) => void, delay = 0, state?: unknown) =>
      asyncScheduler.schedule(work, refreshAfterMs !== undefined && delay === LIBRARY_REFRESH_INTERVAL_MS ? refreshAfterMs : delay, state),
  }
}

export interface DirectLineClientOptions {
  /** Our server's base URL: the client talks to `${url}/v3/directline`. */
  url: string
  token: string
  webSocket: boolean
  /** Resume this conversation (the page's saved one) instead of starting one. */
  conversationId?: string
  watermark?: string
  /** Fire the library's first token refresh this soon instead of after 15 minutes. */
  refreshAfterMs?: number
  pollingInterval?: number
}

export interface DirectLineClient {
  directLine: DirectLine
  /** Every activity the library emitted on activity$, in order. */
  received: Activity[]
  /** Every connection status it went through. */
  statuses: ConnectionStatus[]
  /** Its HTTP calls, answered. */
  calls: Call[]
  /** The WebSockets it opened. */
  sockets: WebSocket[]
  status(): ConnectionStatus
  /** postActivity: the id it resolves with, or "retry" as the library reports a failed send. */
  post(activity: Activity): Promise<string>
  end(): void
}

export function directLineClient(options: DirectLineClientOptions): DirectLineClient {
  const calls: Call[] = []
  const sockets: WebSocket[] = []
  const received: Activity[] = []
  const statuses: ConnectionStatus[] = []
  class Socket extends WebSocket {
    constructor(address: string) {
      super(address)
      sockets.push(this)
    }
  }
  const global = globalThis as { WebSocket?: unknown }
  const lend = options.webSocket && global.WebSocket === undefined
  if (lend) global.WebSocket = Socket
  let directLine: DirectLine
  try {
    directLine = new DirectLine({
      token: options.token,
      domain: `${options.url}/v3/directline`,
      webSocket: options.webSocket,
      pollingInterval: options.pollingInterval ?? 200,
      ...(options.conversationId && { conversationId: options.conversationId }),
      ...(options.watermark && { watermark: options.watermark }),
      // The library's services: HTTP, WebSocket, timers, and no random wait before reconnecting (3 s then).
      ajax: fetchAjax(calls) as never,
      WebSocket: Socket as never,
      scheduler: schedulerFor(options.refreshAfterMs) as never,
      random: () => 0,
    })
  } finally {
    if (lend) delete global.WebSocket
  }
  const statusSubscription = directLine.connectionStatus$.subscribe((status) => statuses.push(status))
  // Subscribing to activity$ connects, as Web Chat does when it renders.
  const activitySubscription = directLine.activity$.subscribe({ next: (activity) => received.push(activity), error: () => {} })
  return {
    directLine,
    received,
    statuses,
    calls,
    sockets,
    status: () => directLine.connectionStatus$.getValue(),
    post: (activity) =>
      new Promise<string>((resolve, reject) => {
        directLine.postActivity(activity).subscribe({ next: (id: string) => resolve(id), error: reject })
      }),
    end() {
      // Ended first: the library's polling loop has no teardown and stops only on a status other than Online.
      directLine.end()
      activitySubscription.unsubscribe()
      statusSubscription.unsubscribe()
    },
  }
}
