import type { CoreDeps } from '@crm/core'
import type { Logger } from 'pino'
import type { BotConfig } from './config.ts'

/** What every Slack surface's `register(app, deps)` receives. */
export interface BotDeps {
  core: CoreDeps
  config: BotConfig
  log: Logger
}
