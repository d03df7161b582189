/**
 * Where the bot may send replies and notifications. A Bot Framework activity names its
 * `serviceUrl`, and the SDK posts there: taken from an unauthenticated caller, that is a
 * server-side request to anywhere. Only our own connector, the Bot Framework / Teams hosts
 * (BOT_SERVICE_URLS, when an app id authenticates callers), and loopback for the Emulator
 * (BOT_EMULATOR) are ever used.
 */

/** `https://*.botframework.com/` → matches https://europe.botframework.com/... (one label per *). */
function pattern(prefix: string): RegExp {
  const escaped = prefix.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[a-z0-9-]+')
  return new RegExp(`^${escaped}`, 'i')
}

export interface ServiceUrlPolicy {
  trusted(serviceUrl: string): boolean
}

export function serviceUrlPolicy(options: { allowed: string[]; loopback: boolean }): ServiceUrlPolicy {
  const patterns = options.allowed.map(pattern)
  return {
    trusted(serviceUrl) {
      let url: URL
      try {
        url = new URL(serviceUrl)
      } catch {
        return false
      }
      if (url.username || url.password) return false
      const normalised = url.toString()
      if (options.loopback && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) && /^https?:$/.test(url.protocol)) return true
      return patterns.some((allowed) => allowed.test(normalised))
    },
  }
}
