/**
 * Serving customers' files: `GET /api/attachments/:id` with the admin token, `GET /media/:id`
 * with a signed, expiring link. Never public. The bytes are served as the type we found in
 * them, never sniffed again by the browser, and a PDF cannot run script in our origin.
 */
import { Router, type Response } from 'express'
import type { PrismaClient } from '../db/client.ts'
import { AppError } from '../errors.ts'
import type { MediaLinks } from './links.ts'
import type { MediaStore } from './store.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic', 'application/pdf': 'pdf' }

export function mediaServer(deps: { prisma: PrismaClient; store: MediaStore }) {
  /** `visible`: whether the caller may see a file of that ticket (a technician: their tickets only). */
  return async function serve(id: string, res: Response, visible: (ticket: { technicianId: string | null } | null) => boolean = () => true) {
    const attachment = UUID.test(id) ? await deps.prisma.attachment.findUnique({ where: { id }, include: { ticket: { select: { technicianId: true } } } }) : null
    if (!attachment || !visible(attachment.ticket)) throw new AppError('not_found', `no attachment ${id.slice(0, 40)}`)
    if (attachment.status === 'pending') throw new AppError('conflict', 'this file has not been fetched from the provider yet; try again later')
    const bytes = attachment.status === 'stored' && attachment.sha256 ? await deps.store.get(attachment.sha256) : undefined
    if (!bytes) throw new AppError('not_found', attachment.status === 'refused' ? `this file was refused (${attachment.refusal}) and not kept` : 'the file is no longer in the media store')
    res
      .type(attachment.contentType!)
      .set({
        'Cache-Control': 'private, max-age=300',
        'Content-Disposition': `inline; filename="attachment-${attachment.id}.${EXTENSIONS[attachment.contentType!] ?? 'bin'}"`,
        'Content-Security-Policy': "sandbox; default-src 'none'; img-src 'self'",
        'X-Content-Type-Options': 'nosniff',
      })
      .send(bytes)
  }
}

/** `GET /media/:id?expires&signature`: the link staff get in Slack. 403 when it is not ours or has expired. */
export function signedMediaRoute(links: MediaLinks, serve: ReturnType<typeof mediaServer>): Router {
  const router = Router()
  router.get('/media/:id', async (req, res) => {
    if (!links.verify(req.params.id, req.query.expires, req.query.signature)) throw new AppError('forbidden', 'this link is not valid, or has expired')
    await serve(req.params.id, res)
  })
  return router
}

/** `GET /api/attachments/:id` behind the API's gate; `visible` narrows it to what the caller may see. */
export function attachmentRoutes(serve: ReturnType<typeof mediaServer>, visible: (res: Response, ticket: { technicianId: string | null } | null) => boolean): Router {
  const router = Router()
  router.get('/attachments/:id', async (req, res) => {
    await serve(req.params.id, res, (ticket) => visible(res, ticket))
  })
  return router
}
