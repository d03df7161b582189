/**
 * Who the admin API records as having acted: the bearer token's holder, with the `actor` name the
 * caller gives (at most 80 characters). Until accounts exist (issue 15) the name is a label, not an
 * identity.
 */
export function apiActor(body: unknown): string {
  const actor = (body as { actor?: unknown } | undefined)?.actor
  return typeof actor === 'string' && actor.trim() ? `api:${actor.trim().slice(0, 80)}` : 'api'
}
