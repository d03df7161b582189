/**
 * `GET /r/:token`: the customer's service record behind the signed link of their resolution SMS
 * (issue 18). A forged or mangled token costs one HMAC and no query; the page is never cached.
 */
import express, { type Router } from 'express'
import { LOCALES, type Locale } from '../../flows/locale.ts'
import type { PrismaClient } from '../db/client.ts'
import { limitByIp, type RateLimits } from '../http/rate-limits.ts'
import type { RecordLinks } from './links.ts'
import { loadServiceRecord } from './record.ts'
import { recordLinkProblemPage, recordPage } from './page.ts'

export function recordRouter(deps: { prisma: PrismaClient; links: RecordLinks; limits: RateLimits; timeZone: string; brandName: string; now(): Date }): Router {
  const router = express.Router()
  // Guessing links costs an HMAC each, but the limit keeps anyone from trying many.
  router.get('/r/:token', limitByIp(deps.limits, 'recordViews'), async (req, res) => {
    res.setHeader('cache-control', 'private, no-store')
    res.type('html')
    const link = deps.links.check(String(req.params.token), deps.now())
    if (!link.ok) return void res.status(link.reason === 'expired' ? 410 : 404).send(recordLinkProblemPage(link.reason))
    const record = await loadServiceRecord(deps.prisma, link.ticketId)
    if (!record) return void res.status(404).send(recordLinkProblemPage('missing'))
    res.send(recordPage(record, { locale: (LOCALES as readonly string[]).includes(record.locale) ? (record.locale as Locale) : 'en', timeZone: deps.timeZone, brandName: deps.brandName }))
  })
  return router
}
