/**
 * `npm run accounts -- …`: the first accounts without the browser (issue 15).
 *
 *   add --email a@b.c --role admin|agent|technician|party_a --name "Li Ming" [--slack U0123] [--technician "Wang Gong"]
 *       prints a one-time link for the person to set their password
 *   list
 *   link --email a@b.c        a new set-password link (a forgotten password)
 *   disable --email a@b.c     signs them out everywhere and refuses them from now on
 */
import { ROLES, type AccountRole } from '../src/accounts/roles.ts'
import { createAccountService } from '../src/accounts/service.ts'
import { systemClock } from '../src/clock.ts'
import { createPrisma } from '../src/db/client.ts'
import { AppError } from '../src/errors.ts'
import { cliDatabase, flags } from './cli-database.ts'

const USAGE = `usage: npm run accounts -- add --email <email> --role <${ROLES.join('|')}> --name <name> [--slack <U…>] [--technician <name>]
       npm run accounts -- list
       npm run accounts -- link --email <email>
       npm run accounts -- disable --email <email>`

const [command, ...rest] = process.argv.slice(2)
const options = flags(rest)
const needs = { add: ['email', 'role', 'name'], list: [], link: ['email'], disable: ['email'] } as Record<string, string[]>
if (!command || !needs[command] || needs[command]!.some((name) => !options[name] || options[name] === 'true')) {
  console.error(USAGE)
  process.exit(2)
}
if (command === 'add' && !(ROLES as readonly string[]).includes(options.role!)) {
  console.error(`--role must be one of ${ROLES.join(', ')}`)
  process.exit(2)
}

const database = await cliDatabase()
const prisma = createPrisma(database.url, { poolSize: 2 })
const publicUrl = (process.env.PUBLIC_URL || `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, '')
const accounts = createAccountService({ prisma, clock: systemClock, publicUrl })
const byEmail = async (email: string) => {
  const found = await prisma.account.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true } })
  if (!found) throw new AppError('not_found', `no account ${email}`)
  return found.id
}
try {
  if (command === 'add') {
    const { account, setPasswordUrl } = await accounts.create({
      email: options.email!,
      name: options.name!,
      role: options.role as AccountRole,
      slackUserId: options.slack ?? null,
      technician: options.technician ?? null,
    })
    console.log(`Added ${account.name} <${account.email}> as ${account.role}.`)
    console.log(`Send them this link to set their password (once, within 24 hours):\n${setPasswordUrl}`)
  } else if (command === 'list') {
    for (const account of await accounts.list()) {
      console.log([account.email, account.role, account.name, account.disabledAt ? 'disabled' : account.hasPassword ? 'active' : 'no password yet'].join('\t'))
    }
  } else if (command === 'link') {
    console.log(await accounts.resetLink(await byEmail(options.email!)))
  } else {
    await accounts.update(await byEmail(options.email!), { disabled: true })
    console.log(`${options.email} is disabled and signed out.`)
  }
} catch (error) {
  console.error((error as Error).message)
  process.exitCode = 1
} finally {
  await prisma.$disconnect()
  await database.close()
}
