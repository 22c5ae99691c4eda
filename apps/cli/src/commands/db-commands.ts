import { messageView, type CommandSpec } from '@crm/core'
import { messages } from '../messages.ts'

/** `crm db ...`: schema maintenance. */
export const dbCommands: CommandSpec[] = [
  {
    path: ['db', 'migrate'],
    summary: 'Apply pending database migrations (also done on every start)',
    args: [],
    options: [],
    examples: ['crm db migrate', 'crm --db postgres://crm@localhost/crm db migrate'],
    access: 'admin',
    async run(ctx) {
      const report = await ctx.deps.database.migrate()
      return messageView(messages.migrated(report.applied, ctx.deps.database.displayUrl), { applied: report.applied, database: ctx.deps.database.displayUrl })
    },
  },
]
