import { resolve } from 'node:path'
import { DomainError, messageView, type CommandSpec } from '@crm/core'
import { buildReportsSite, ReportsBuildError } from '@crm/reports'
import { messages } from '../messages.ts'
import { canHoldSite } from '../site-folder.ts'

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..')

/**
 * `crm reports build [--out DIR]`: the reports site from the database this shell uses (DATABASE_URL or --db),
 * built by @crm/reports; a relative --out is read from where the command was run.
 */
export function createReportsCommands(databaseUrl: string, env: NodeJS.ProcessEnv, cwd = env.INIT_CWD ?? process.cwd()): CommandSpec[] {
  return [
    {
      path: ['reports', 'build'],
      summary: 'Build the reports site (a folder of HTML and CSV) from the database',
      args: [],
      options: [{ name: 'out', type: 'string', description: 'the folder to build into; it is replaced (default apps/reports/dist)', placeholder: 'DIR' }],
      examples: ['crm reports build', 'crm reports build --out /srv/crm-reports', 'npm run reports -- --out /srv/crm-reports'],
      access: 'admin',
      notes: ['The site holds personal data: host it behind authentication (docs/hosting-reports.md).'],
      async run(_ctx, input) {
        const given = input.options.out === undefined ? undefined : String(input.options.out).trim()
        if (given === '') throw new DomainError('INVALID_FIELD', messages.reports.outEmpty, { field: 'out' })
        const outDir = given ? resolve(cwd, given) : resolve(repoRoot, 'apps', 'reports', 'dist')
        if (!canHoldSite(outDir)) throw new DomainError('OUT_DIR_NOT_SITE', messages.reports.outDirNotSite(outDir), { field: 'out' })
        try {
          const summary = await buildReportsSite({ outDir, databaseUrl, env, cwd })
          const i = summary.info
          return messageView(messages.reports.built(summary.htmlPages, summary.csvFiles, outDir, summary.seconds, i.database, i.generatedAt, i.contacts, i.segments, i.campaigns), {
            outDir,
            htmlPages: summary.htmlPages,
            csvFiles: summary.csvFiles,
            seconds: Math.round(summary.seconds * 10) / 10,
            ...i,
          })
        } catch (error) {
          if (error instanceof ReportsBuildError) throw new DomainError('REPORTS_BUILD_FAILED', messages.reports.failed(error.message))
          throw error
        }
      },
    },
  ]
}
