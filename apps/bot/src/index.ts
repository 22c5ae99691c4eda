// What other apps (the CLI's `crm start` and `npm run bench`) use of the bot.
export { createBotApp } from './app.ts'
export { readBotConfig, type BotConfig } from './config.ts'
export { createLogger } from './logger.ts'
export { SLASH_COMMAND } from './ids.ts'
