/** §3.3c: the weekly digest job — last week's figures, posted to the staff channel. */
import type { WebClient } from '@slack/web-api'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import { agreementReport } from '../reports/agreement.ts'
import { digestText, lastWeek } from '../reports/digest.ts'

export function postWeeklyDigest(deps: { prisma: PrismaClient; slackClient: WebClient | undefined; config: Config; clock: Clock; logger: Logger }) {
  return async (): Promise<string> => {
    const { config } = deps
    const report = await agreementReport(deps.prisma, lastWeek(deps.clock.now(), config.serviceTimeZone), { timeZone: config.serviceTimeZone, currency: config.currency })
    const text = digestText(report)
    if (deps.slackClient && config.slack) await deps.slackClient.chat.postMessage({ channel: config.slack.staffChannel, text, unfurl_links: false })
    else deps.logger.info({ period: report.period }, 'weekly digest not posted: Slack is off')
    return text
  }
}
