/** §3.3c: the weekly digest job — last week's figures, posted to the staff channel. */
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import { agreementReport } from '../reports/agreement.ts'
import { digestText, lastWeek } from '../reports/digest.ts'
import type { StaffChannel } from '../staff/slack/staff-channel.ts'

export function postWeeklyDigest(deps: { prisma: PrismaClient; staff: StaffChannel | undefined; config: Config; clock: Clock; logger: Logger }) {
  return async (): Promise<string> => {
    const { config } = deps
    const report = await agreementReport(deps.prisma, lastWeek(deps.clock.now(), config.serviceTimeZone), { timeZone: config.serviceTimeZone, currency: config.currency })
    const text = digestText(report)
    if (deps.staff) await deps.staff.post({ text })
    else deps.logger.info({ period: report.period }, 'weekly digest not posted: Slack is off')
    return text.text
  }
}
