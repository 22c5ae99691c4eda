import { DomainError, editSalesperson, findSalespersonFor, messageView, type CommandSpec } from '@crm/core'
import { messages } from '../messages.ts'

/** A Slack user id from a mention (<@U123|ann>), or a bare id. */
export function parseSlackUser(text: string): string | undefined {
  const m = text.trim().match(/^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/) ?? text.trim().match(/^@?([UW][A-Z0-9]{2,})$/)
  return m?.[1]
}

const slackUserOf = (actorId: string) => actorId.replace(/^slack:/, '')

/** Slack-only commands: who am I, and linking a Slack user to a salesperson. */
export const meCommands: readonly CommandSpec[] = [
  {
    path: ['me'],
    summary: 'Show which salesperson your Slack account is linked to',
    args: [],
    options: [],
    examples: ['me'],
    access: 'read',
    async run(ctx) {
      const user = slackUserOf(ctx.actor.id)
      const sp = await findSalespersonFor(ctx.deps, { slackUserId: user })
      return messageView(messages.me(user, sp?.code, sp?.name, ctx.actor.isAdmin), { user, salesperson: sp?.code ?? null, admin: ctx.actor.isAdmin })
    },
  },
  {
    path: ['me', 'link'],
    summary: 'Link a Slack user (you, unless named) to a salesperson (admins)',
    args: [
      { name: 'salesperson', description: 'salesperson code, e.g. JD', required: true },
      { name: 'user', description: 'the Slack user, as @mention or user id (default: you)' },
    ],
    options: [],
    examples: ['me link JD @jane', 'me link JD'],
    access: 'admin',
    async run(ctx, input) {
      const raw = input.args.user
      const user = raw === undefined ? slackUserOf(ctx.actor.id) : parseSlackUser(raw)
      if (!user) throw new DomainError('BAD_SLACK_USER', messages.badUser(raw ?? ''), { field: 'user' })
      const previous = await findSalespersonFor(ctx.deps, { slackUserId: user })
      if (previous && previous.code !== input.args.salesperson!.toUpperCase()) await editSalesperson(ctx.deps, ctx.actor, { code: previous.code, slackUserId: null })
      const sp = await editSalesperson(ctx.deps, ctx.actor, { code: input.args.salesperson!, slackUserId: user })
      return messageView(messages.linked(sp.code, sp.name, user), { user, salesperson: sp.code })
    },
  },
]
