/**
 * Headers every response carries (helmet), and compression. The pages have no inline script,
 * so the Content-Security-Policy allows scripts from this origin only; Web Chat injects its
 * styles at run time, hence 'unsafe-inline' for styles alone. Nothing may frame our pages.
 * HSTS only when PUBLIC_URL is https (a plain-http development server must stay reachable).
 */
import compression from 'compression'
import type { RequestHandler } from 'express'
import helmet from 'helmet'

export interface SecurityHeaderOptions {
  publicUrl: string
  /** Sites that may frame our pages (WEBCHAT_ALLOWED_ORIGINS: the chat embedded in an iframe). */
  framedBy?: string[]
  /** Other origins the pages talk to: Azure Direct Line when DIRECT_LINE_SECRET is set. */
  connectTo: string[]
}

export function securityHeaders(options: SecurityHeaderOptions): RequestHandler[] {
  const https = options.publicUrl.startsWith('https:')
  // The Direct Line stream is a WebSocket to the same host, or to Azure's.
  const sockets = options.connectTo.map((origin) => origin.replace(/^http/, 'ws'))
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          // blob: the chat page reads a file the visitor picked (a local copy) to upload it.
          connectSrc: ["'self'", 'blob:', ...options.connectTo, ...sockets],
          mediaSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: options.framedBy?.length ? options.framedBy : ["'none'"],
          ...(https && { upgradeInsecureRequests: [] }),
        },
      },
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      crossOriginEmbedderPolicy: false,
      // Framing is frame-ancestors' to decide (X-Frame-Options cannot name another site).
      ...(options.framedBy?.length && { xFrameOptions: false }),
    }),
    // Web Chat's bundle is 3.9 MB; gzip takes it under 1 MB.
    compression({ threshold: 1024 }),
  ]
}
