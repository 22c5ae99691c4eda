import { existsSync } from 'node:fs'
import { DomainError, messageView, type CommandSpec } from '@crm/core'
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
  {
    path: ['db', 'backup'],
    summary: 'Copy the SQLite database to a new file while it is in use (PostgreSQL: use pg_dump)',
    args: [{ name: 'file', description: 'where to write the copy; must not exist yet' }],
    options: [],
    examples: ['crm db backup ./backups/crm-2026-12-02.sqlite'],
    access: 'admin',
    async run(ctx, input) {
      const file = String(input.args.file ?? '').trim()
      const backup = ctx.deps.database.backup
      if (!backup) throw new DomainError('BACKUP_NOT_SUPPORTED', messages.backup.postgres, { field: 'db' })
      if (existsSync(file)) throw new DomainError('FILE_EXISTS', messages.backup.exists(file), { field: 'file' })
      const { bytes } = await backup(file)
      return messageView(messages.backup.done(ctx.deps.database.displayUrl, file, bytes), { database: ctx.deps.database.displayUrl, file, bytes })
    },
  },
]
