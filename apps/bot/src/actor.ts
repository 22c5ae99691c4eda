import { editSalesperson, findSalespersonFor, type Actor } from '@crm/core'
import type { webApi } from '@slack/bolt'
import type { BotDeps } from './deps.ts'

export interface SlackActor {
  actor: Actor
  /** Set when this request linked the user to a salesperson by their email address. */
  autoLinked?: { code: string; name: string }
}

/**
 * Who a Slack user is in the CRM: admins come from SLACK_ADMIN_USERS; the salesperson is the one linked to the
 * Slack user id, else the one whose email is the user's Slack email (and then the link is stored).
 */
export async function resolveActor(deps: BotDeps, client: webApi.WebClient, userId: string): Promise<SlackActor> {
  const actor: Actor = { id: `slack:${userId}`, isAdmin: deps.config.adminUsers.includes(userId) }
  const linked = await findSalespersonFor(deps.core, { slackUserId: userId })
  if (linked) return { actor: { ...actor, salespersonCode: linked.code } }
  let email: string | undefined
  try {
    const info = await client.users.info({ user: userId })
    email = info.user?.profile?.email
  } catch (error) {
    // Without users:read.email the bot still works; the user just has to be linked by an admin.
    deps.log.warn({ event: 'users_info_failed', user: userId, reason: (error as Error).message })
  }
  if (!email) return { actor }
  const match = await findSalespersonFor(deps.core, { email })
  if (!match || match.slackUserId) return { actor }
  await editSalesperson(deps.core, actor, { code: match.code, slackUserId: userId })
  deps.log.info({ event: 'salesperson_auto_linked', user: userId, salesperson: match.code })
  return { actor: { ...actor, salespersonCode: match.code }, autoLinked: { code: match.code, name: match.name } }
}
