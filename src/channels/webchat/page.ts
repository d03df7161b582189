/**
 * The chat page at `/`: Web Chat (botframework-webchat's browser bundle, served from here, no
 * CDN) connected through /webchat/session. Its script keeps the conversation in localStorage so
 * a visitor who reloads or returns within 7 days continues where they were.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import express, { type Router } from 'express'
import { escapeHtml } from '../../http/html.ts'

const here = path.dirname(fileURLToPath(import.meta.url))

export function chatPageRouter(options: { brandName: string }): Router {
  const router = express.Router()
  const template = readFileSync(path.join(here, 'public', 'index.html'), 'utf8')
  const html = template.replaceAll('{{brand}}', escapeHtml(options.brandName))
  // The package exports only its module entry; its browser bundle sits next to it in dist/.
  const webchatBundle = path.join(path.dirname(createRequire(import.meta.url).resolve('botframework-webchat')), '..', 'dist', 'webchat.js')

  router.get('/', (_req, res) => {
    res.type('html').setHeader('cache-control', 'no-cache')
    res.send(html)
  })
  router.get('/favicon.ico', (_req, res) => res.redirect(301, '/assets/favicon.svg'))
  router.get('/assets/webchat.js', (_req, res) => res.sendFile(webchatBundle, { maxAge: '1d' }))
  router.use('/assets', express.static(path.join(here, 'public'), { index: false, maxAge: '1h' }))
  return router
}
