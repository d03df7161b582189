/**
 * Direct Line's WebSocket stream: `GET /v3/directline/conversations/:id/stream?t=<token>`.
 * Each frame is `{ activities, watermark }`. New activities appended by this process are pushed
 * at once; a slower poll picks up those appended by other instances on the same database.
 */
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { isDatabaseUnavailable } from '../../../db/errors.ts'
import type { Logger } from '../../../logger.ts'
import type { DirectLineStore } from './store.ts'

const PATH = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/
const CROSS_INSTANCE_POLL_MS = 1000
const KEEPALIVE_MS = 15_000

function refuse(socket: Duplex, status: number, reason: string) {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

export function attachDirectLineStream(server: Server, store: DirectLineStore, logger: Logger): () => void {
  const wss = new WebSocketServer({ noServer: true })

  async function serve(ws: WebSocket, conversationId: string, watermark: string | undefined) {
    let sending = false
    let again = false
    const push = async () => {
      if (sending) {
        again = true
        return
      }
      sending = true
      try {
        do {
          again = false
          const batch = await store.after(conversationId, watermark)
          if (batch.activities.length && ws.readyState === ws.OPEN) {
            watermark = batch.watermark
            ws.send(JSON.stringify(batch))
          }
        } while (again)
      } catch (error) {
        // While the database is away every open stream fails each second: the outage is logged elsewhere.
        if (!isDatabaseUnavailable(error)) logger.warn({ err: error }, 'Direct Line stream read failed')
      } finally {
        sending = false
      }
    }
    const onAppended = (id: string) => id === conversationId && void push()
    store.appended.on('appended', onAppended)
    const poll = setInterval(() => void push(), CROSS_INSTANCE_POLL_MS)
    const keepalive = setInterval(() => ws.readyState === ws.OPEN && ws.ping(), KEEPALIVE_MS)
    ws.on('close', () => {
      store.appended.off('appended', onAppended)
      clearInterval(poll)
      clearInterval(keepalive)
    })
    await push()
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://local')
    const match = PATH.exec(url.pathname)
    if (!match) return
    const conversationId = decodeURIComponent(match[1]!)
    const token = url.searchParams.get('t')
    if (!token) return refuse(socket, 401, 'Unauthorized')
    store.authenticate(token).then(
      (conversation) => {
        if (!conversation || conversation.id !== conversationId) return refuse(socket, 403, 'Forbidden')
        wss.handleUpgrade(req, socket, head, (ws) => void serve(ws, conversationId, url.searchParams.get('watermark') ?? undefined))
      },
      () => refuse(socket, 503, 'Service Unavailable'),
    )
  }
  server.on('upgrade', onUpgrade)
  return () => {
    server.off('upgrade', onUpgrade)
    for (const client of wss.clients) client.terminate()
    wss.close()
  }
}
