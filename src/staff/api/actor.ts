/**
 * Who the admin API records as having acted: the signed-in person or the holder of the API token
 * (`account:<id>`), or `api` for the bootstrap admin token. An `actor` a caller puts in a body is
 * ignored: identities come from credentials we issued (issue 15).
 */
import type { Response } from 'express'
import { actorOf, principal } from '../../http/auth.ts'
import type { Actor } from '../../tickets/actors.ts'

export const apiActorOf = (res: Response): Actor => actorOf(principal(res))

export const apiActor = (res: Response): string => apiActorOf(res).id
