/**
 * The Bot Framework SDK lives here and in the files next to it, nowhere else: botbuilder is
 * archived upstream (its successor, the Microsoft 365 Agents SDK, speaks the same Activity
 * protocol), so swapping it touches this folder only.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder'
import type { BotFrameworkConfig } from '../../config.ts'
import { isDatabaseUnavailable } from '../../db/errors.ts'
import type { Logger } from '../../logger.ts'

type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>

/** CloudAdapter that runs a turn for a request we authenticated ourselves (so a bad token is our plain 401, not the SDK's). */
export class BotAdapter extends CloudAdapter {
  constructor(private readonly authentication: ConfigurationBotFrameworkAuthentication) {
    super(authentication)
  }

  /** Checks the channel's JWT (with an app id); throws the SDK's AuthenticationError when it is wrong. */
  authenticate(activity: Activity, authorization: string): Promise<AuthenticateRequestResult> {
    return this.authentication.authenticateRequest(activity, authorization)
  }

  run(authenticated: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic)
  }
}

export function createBotAdapter(config: BotFrameworkConfig, logger: Logger): BotAdapter {
  const settings = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.tenantId,
  }
  const credentials = new ConfigurationServiceClientCredentialFactory(settings)
  const adapter = new BotAdapter(new ConfigurationBotFrameworkAuthentication(settings, credentials))
  // One failed turn must not poison the next: log it and tell the customer.
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // The database is away: nothing was stored; the caller answers 503 and the client retries.
    if (isDatabaseUnavailable(error)) throw error
    logger.error({ err: error, channel: context.activity.channelId }, 'web chat turn failed')
    await context.sendActivity('Sorry, something went wrong on our side. Please send your message again.').catch(() => undefined)
  }
  return adapter
}
