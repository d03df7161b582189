/**
 * The Bot Framework SDK lives here and in the files next to it, nowhere else: botbuilder is
 * archived upstream (its successor, the Microsoft 365 Agents SDK, speaks the same Activity
 * protocol), so swapping it touches this folder only.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type TurnContext } from 'botbuilder'
import type { BotFrameworkConfig } from '../../config.ts'
import { isDatabaseUnavailable } from '../../db/errors.ts'
import type { Logger } from '../../logger.ts'

export function createBotAdapter(config: BotFrameworkConfig, logger: Logger): CloudAdapter {
  const settings = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.tenantId,
  }
  const credentials = new ConfigurationServiceClientCredentialFactory(settings)
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings, credentials))
  // One failed turn must not poison the next: log it and tell the customer.
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // The database is away: nothing was stored; the caller answers 503 and the client retries.
    if (isDatabaseUnavailable(error)) throw error
    logger.error({ err: error, channel: context.activity.channelId }, 'web chat turn failed')
    await context.sendActivity('Sorry, something went wrong on our side. Please send your message again.').catch(() => undefined)
  }
  return adapter
}
