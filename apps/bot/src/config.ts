import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from '@crm/db'

/** The bot's settings, read from the environment in this one place. */
export interface BotConfig {
  botToken: string
  /** Set: Socket Mode. Unset: HTTP mode on `port`, verified with `signingSecret`. */
  appToken: string | undefined
  signingSecret: string | undefined
  port: number
  /** How long a modal submission may work before Slack gets its answer (ms); a longer one closes the modal and tells the result in a direct message. */
  modalAckMs: number
  /** Base URL of the Slack Web API (a local stub in tests), ending in "/". */
  slackApiUrl: string | undefined
  adminUsers: string[]
  databaseUrl: string
  logLevel: string
}

export type ConfigResult = { ok: true; config: BotConfig } | { ok: false; problems: string[] }

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** Reads and checks the bot's environment; every missing or malformed variable is reported at once. */
export function readBotConfig(env: NodeJS.ProcessEnv): ConfigResult {
  const problems: string[] = []
  const value = (name: string) => env[name]?.trim() || undefined

  const botToken = value('SLACK_BOT_TOKEN')
  if (!botToken) problems.push('SLACK_BOT_TOKEN is missing: the bot token (xoxb-...) from OAuth & Permissions.')
  else if (!botToken.startsWith('xoxb-')) problems.push('SLACK_BOT_TOKEN must be a bot token starting with xoxb-.')

  const appToken = value('SLACK_APP_TOKEN')
  if (appToken && !appToken.startsWith('xapp-')) problems.push('SLACK_APP_TOKEN must be an app-level token starting with xapp- (or unset for HTTP mode).')

  const signingSecret = value('SLACK_SIGNING_SECRET')
  if (!appToken && !signingSecret) problems.push('SLACK_SIGNING_SECRET is missing: HTTP mode (no SLACK_APP_TOKEN) needs the signing secret from Basic Information.')

  const portText = value('PORT') ?? '3000'
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port > 65535) problems.push(`PORT must be a port number (0-65535), not "${portText}".`)

  let slackApiUrl = value('SLACK_API_URL')
  if (slackApiUrl) {
    if (!/^https?:\/\/[^\s/]+/.test(slackApiUrl)) problems.push(`SLACK_API_URL must be an http(s) URL such as https://slack.com/api/, not "${slackApiUrl}".`)
    else if (!slackApiUrl.endsWith('/')) slackApiUrl += '/'
  }

  const adminUsers = (value('SLACK_ADMIN_USERS') ?? '').split(',').map((u) => u.trim()).filter(Boolean)
  const badAdmins = adminUsers.filter((u) => !/^[UW][A-Z0-9]{2,}$/.test(u))
  if (badAdmins.length) problems.push(`SLACK_ADMIN_USERS is a comma-separated list of Slack user ids (U...); these are not: ${badAdmins.join(', ')}.`)

  const modalAckText = value('SLACK_MODAL_ACK_MS') ?? '2500'
  const modalAckMs = Number(modalAckText)
  if (!/^\d+$/.test(modalAckText) || modalAckMs < 100 || modalAckMs > 2800) problems.push(`SLACK_MODAL_ACK_MS is how long a modal submission may work before Slack is answered, in milliseconds (100-2800, default 2500; Slack waits 3 seconds), not "${modalAckText}".`)

  const logLevel = value('LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL is one of ${LOG_LEVELS.join(', ')}, not "${logLevel}".`)

  // Checked as the database layer reads it, without opening anything (no file, no connection at this point).
  const databaseUrl = value('DATABASE_URL') ?? DEFAULT_DATABASE_URL
  try {
    parseDatabaseUrl(databaseUrl)
  } catch (error) {
    problems.push(`DATABASE_URL: ${(error as Error).message}`)
  }

  if (problems.length) return { ok: false, problems }
  return {
    ok: true,
    config: {
      botToken: botToken!, appToken, signingSecret, port, slackApiUrl, adminUsers,
      databaseUrl, logLevel, modalAckMs,
    },
  }
}
