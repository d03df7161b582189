/**
 * Issue 15: accounts in the API. `/accounts` for admins (people, roles, set-password links, their
 * tokens); `/me` for everyone signed in (who am I, my API tokens, my password).
 */
import { Router } from 'express'
import { z } from 'zod'
import { ROLES } from '../../accounts/roles.ts'
import type { AccountService } from '../../accounts/service.ts'
import { AppError } from '../../errors.ts'
import { principal } from '../../http/auth.ts'
import { parseInput } from './tickets.ts'

const slackUser = z
  .string()
  .trim()
  .regex(/^[UW][A-Z0-9]{2,20}$/, 'a Slack user id looks like U0123ABCD')
  .nullable()
  .optional()
const newAccount = z.object({
  email: z.email().max(200),
  name: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
  slackUserId: slackUser,
  technician: z.string().trim().min(1).max(120).nullable().optional(),
  password: z.string().optional(),
})
const accountChange = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    role: z.enum(ROLES).optional(),
    slackUserId: slackUser,
    technician: z.string().trim().min(1).max(120).nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
const tokenInput = z.object({ name: z.string().trim().min(1).max(80) }).strict()
const passwordChange = z.object({ current: z.string().max(200), password: z.string() }).strict()

export function accountRoutes(deps: { accounts: AccountService }): Router {
  const { accounts } = deps
  const router = Router()
  const id = (value: string) => parseInput(z.uuid(), value, 'account id')

  router.get('/accounts', async (_req, res) => {
    res.json({ items: await accounts.list() })
  })
  router.post('/accounts', async (req, res) => {
    res.status(201).json(await accounts.create(parseInput(newAccount, req.body, 'account')))
  })
  router.get('/accounts/:id', async (req, res) => {
    const accountId = id(req.params.id)
    res.json({ ...(await accounts.get(accountId)), tokens: await accounts.listTokens(accountId) })
  })
  router.patch('/accounts/:id', async (req, res) => {
    const accountId = id(req.params.id)
    const who = principal(res)
    const change = parseInput(accountChange, req.body, 'account change')
    // An admin cannot lock themselves out by accident: another admin has to do it.
    if (who.kind === 'account' && who.account.id === accountId && (change.disabled || (change.role && change.role !== 'admin'))) {
      throw new AppError('conflict', 'you cannot disable your own account or give up your own admin role')
    }
    res.json(await accounts.update(accountId, change))
  })
  router.post('/accounts/:id/password-link', async (req, res) => {
    res.status(201).json({ url: await accounts.resetLink(id(req.params.id)) })
  })
  router.delete('/accounts/:id/tokens/:token', async (req, res) => {
    await accounts.revokeToken(id(req.params.id), parseInput(z.uuid(), req.params.token, 'token id'))
    res.status(204).end()
  })

  // Everyone's own account. The bootstrap admin token has none (the gate refuses `self` to it).
  const me = (res: Parameters<typeof principal>[0]) => {
    const who = principal(res)
    if (who.kind !== 'account') throw new AppError('forbidden', 'only a person’s account has this')
    return who.account
  }
  router.get('/me', async (_req, res) => {
    const account = me(res)
    res.json({ ...(await accounts.get(account.id)), tokens: await accounts.listTokens(account.id) })
  })
  router.post('/me/tokens', async (req, res) => {
    res.status(201).json(await accounts.createToken(me(res).id, parseInput(tokenInput, req.body, 'token').name))
  })
  router.delete('/me/tokens/:token', async (req, res) => {
    await accounts.revokeToken(me(res).id, parseInput(z.uuid(), req.params.token, 'token id'))
    res.status(204).end()
  })
  router.post('/me/password', async (req, res) => {
    const account = me(res)
    const input = parseInput(passwordChange, req.body, 'password change')
    await accounts.changePassword(account.id, input.current, input.password)
    res.status(204).end()
  })

  return router
}
