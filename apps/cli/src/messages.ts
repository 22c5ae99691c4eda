/** Every user-facing text of the CLI (English first; other catalogs can follow the same keys). */
export const messages = {
  errorPrefix: 'Error:',
  unexpected: (ref: string) => `Something went wrong (ref ${ref}). Run again with CRM_DEBUG=1 to see the details.`,
  dbOpenFailed: (url: string, reason: string) => `Could not open the database ${url}: ${reason}`,
  globalFlagNeedsValue: (flag: string) => `${flag} needs a value. Example: crm ${flag} sqlite:./data/crm.sqlite contact find anna`,
  migrated: (applied: string[], url: string) => (applied.length ? `Applied ${applied.length} migration(s) to ${url}: ${applied.join(', ')}` : `${url} is up to date.`),
  transfer: {
    fileNotFound: (path: string) => `Cannot read ${path}: there is no such file.`,
    fileNotReadable: (path: string) => `Cannot read ${path}: permission denied.`,
    fileIsDirectory: (path: string) => `Cannot read ${path}: it is a directory, not a file.`,
    fileReadFailed: (path: string, reason: string) => `Cannot read ${path}: ${reason}`,
    fileWriteFailed: (path: string, reason: string) => `Cannot write ${path}: ${reason}`,
    badFormat: (format: string) => `--format is csv or vcf, not "${format}".`,
    unknownExtension: (path: string) => `Cannot tell the format of ${path} from its name; add --format csv or --format vcf.`,
    progress: (bar: string, done: number, total: number) => `Importing [${bar}] ${done}/${total}`,
    imported: (created: number, first: string, last: string, companies: number) =>
      `Imported ${created} contact${created === 1 ? '' : 's'} (${first === last ? first : `${first}–${last}`})` +
      (companies === 0 ? '.' : companies === 1 ? ', 1 of them a company.' : `, ${companies} of them companies.`),
    importedDuplicates: (lines: number[]) =>
      `${lines.length === 1 ? 'Line' : 'Lines'} ${lines.slice(0, 20).join(', ')}${lines.length > 20 ? ` and ${lines.length - 20} more` : ''} look${lines.length === 1 ? 's' : ''} like other contacts; see them with: crm contact duplicates <no>`,
    exported: (count: number, path: string) => `Exported ${count} contact${count === 1 ? '' : 's'} to ${path}.`,
    exportedTitle: (count: number) => `${count} contact${count === 1 ? '' : 's'}`,
  },
  backup: {
    postgres: 'This database is PostgreSQL; back it up with pg_dump, e.g. pg_dump --format=custom --file crm.dump "$DATABASE_URL" (see docs/backups.md).',
    exists: (file: string) => `${file} already exists; give a new file name so no backup is overwritten. Example: crm db backup ./backups/crm-$(date +%F).sqlite`,
    done: (db: string, file: string, bytes: number) => `Backed up ${db} to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB).`,
  },
  demo: {
    progress: (done: number, total: number) => `Generating contacts ${done}/${total}`,
    needsContacts: 'Say how many contacts to generate with --contacts. Example: crm demo generate --contacts 1000',
    notEmpty: (existing: number) =>
      `The database already has ${existing} contact${existing === 1 ? '' : 's'}, so nothing was generated. ` +
      'Add to them with --append (crm demo generate --contacts 1000 --append), or use a new database: crm --db sqlite:./data/test.sqlite demo generate --contacts 1000',
    generated: (r: { contacts: number; companies: number; persons: number; firstNo: string | null; lastNo: string | null; seed: number; salespeople: string[] }, seconds: number, url: string) =>
      `Generated ${r.contacts} contacts (${r.companies} companies, ${r.persons} persons, ${r.firstNo}–${r.lastNo}) in ${url} ` +
      `from seed ${r.seed} in ${seconds.toFixed(1)} s. Salespeople: ${r.salespeople.join(', ')}.`,
    loaded: (r: { companies: number; persons: number; firstNo: string | null; lastNo: string | null; salespeople: string[] }, url: string) =>
      `Loaded the demo data into ${url}: ${r.salespeople.length} salespeople (${r.salespeople.join(', ')}), ${r.companies} companies and ${r.persons} persons (${r.firstNo}–${r.lastNo}).`,
    activity: (a: { interactions: number; opportunities: number; won: number; lost: number }) =>
      `Logged ${a.interactions} interactions over the last 120 days and created ${a.opportunities} opportunities (${a.won} won, ${a.lost} lost, the rest open across the sales cycle).`,
    alreadyThere: (existing: number, url: string) => `The demo data is already there (${existing} contacts in ${url}); nothing was added. To start over: npm run demo -- --reset`,
    notDemo: (existing: number, url: string) => `${url} already has ${existing} contacts of its own, so no demo data was added. For a fresh demo: DATABASE_URL=sqlite:./data/demo.sqlite npm run demo`,
    campaigns: (c: { campaigns: string[]; segments: string[]; logged: number; responses: number; opportunities: number }) =>
      `Built ${c.segments.length} segments (${c.segments.join(', ')}) with filter steps and ${c.campaigns.length} campaigns (${c.campaigns.join(', ')}: done, active, planned); ` +
      `logged ${c.logged} campaign interactions, ${c.responses} responses and ${c.opportunities} opportunities from them.`,
    mailHeading: (n: number) => `Ingested ${n} sample emails from apps/cli/demo-mail (the same pipeline as crm mail ingest):`,
    mailLine: (file: string, outcome: string, contacts: string[], reason: string | null) =>
      `  ${file.padEnd(30)} ${outcome.padEnd(15)} ${contacts.length ? contacts.join(' ') : (reason ?? '')}`,
    tipsHeading: 'Try next:',
    tips: [
      ['npx crm contact find þóra', 'accents and case do not matter: thora and ÞÓRA find her too'],
      ['npx crm contact find ирина', 'any script'],
      ['npx crm contact show CT000002', 'a contact card with company, salesperson and classifications'],
      ['npx crm interactions CT000002', 'her history: the BCC copy from the mailbox, the campaign mail and her response'],
      ['npx crm contact duplicates CT000002', 'Thora Gudmundsdottir (CT000008) was typed in a second time'],
      ['npx crm segment list', 'segments with their size'],
      ['npx crm segment show SG00002', 'the filter steps that built it, and its composition'],
      ['npx crm campaign list', 'campaigns with targets, responses and response rate'],
      ['npx crm campaign show CP0002', 'the active autumn offer: statistics and linked opportunities\' value'],
      ['npx crm opp list', 'open opportunities with stage, value and calculated current value'],
      ['npx crm opp forecast', 'by salesperson, close month and stage'],
      [`MAIL_AUTHSERV_IDS=mx.crm-demo.invalid npx crm mail ingest apps/cli/demo-mail`, 'again: every message is already logged, nothing twice'],
      ['npx crm mail unmatched', 'the participant no contact matched, waiting for you: crm mail assign <id> <contact> or crm mail create-contact <id>'],
      ['npx crm help', 'every command'],
    ] as ReadonlyArray<readonly [string, string]>,
  },
  firstHour: {
    usage: 'Usage: npm run demo -- [--reset] [--no-serve] [--port 4321] [--out DIR] [--db URL]',
    needsValue: (flag: string) => `${flag} needs a value.`,
    badPort: (text: string) => `--port is a port number (0-65535), not "${text}". Example: npm run demo -- --port 8080`,
    unknownArg: (arg: string) => `"${arg}" is not an option of npm run demo.`,
    resetPostgres: 'npm run demo -- --reset only deletes a SQLite demo database. On PostgreSQL, drop and create the database yourself (dropdb crm && createdb crm), then run npm run demo again.',
    resetRefused: (url: string, existing: number) =>
      `${url} has ${existing} contacts of its own, not the demo data, so --reset leaves it alone. Run the demo on another file: DATABASE_URL=sqlite:./data/demo.sqlite npm run demo`,
    reset: (url: string) => `Deleted the demo database ${url}; loading it again.`,
    building: (dir: string) => `Building the reports site into ${dir} ...`,
    outDirNotSite: (dir: string) => `${dir} holds other files (and no index.html); the reports build replaces everything in its folder, so give --out a folder of its own.`,
    buildFailed: 'The reports build failed (its output is above).',
    timing: (load: number, build: number, total: number) => `Ready in ${total.toFixed(1)} s (data ${load.toFixed(1)} s, reports ${build.toFixed(1)} s).`,
    builtOnly: (dir: string) => `Reports: open ${dir}/index.html in a browser (not served: --no-serve).`,
    serving: (url: string) => `Reports: ${url}  (served on this machine only; Ctrl-C stops)`,
    stopped: 'Stopped the reports server.',
  },
  start: {
    labels: { bot: 'Slack bot', ingester: 'mail ingester', reports: 'reports build', sender: 'mail sender' } as Record<'bot' | 'ingester' | 'reports' | 'sender', string>,
    socketOrHttp: 'SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)',
    unknownArg: (arg: string) => `"${arg}" is not an option of crm start. Usage: crm start [--env-file FILE]`,
    envFileMissing: (file: string) => `There is no file ${file} (given with --env-file).`,
    envFileUnreadable: (file: string, reason: string) => `${file} cannot be read: ${reason}`,
    badEvery: (text: string) => `CRM_REPORTS_EVERY_MINUTES is a whole number of minutes (1-10080), not "${text}". Example: CRM_REPORTS_EVERY_MINUTES=60`,
    invalid: 'crm start: the settings cannot be used:',
    partProblem: (label: string, problem: string) => `${label}: ${problem}`,
    nothing: (envFile: string | undefined) =>
      `crm start: nothing to run: no part is configured${envFile ? ` (read ${envFile} and the environment)` : ' (no .env file here; read the environment only)'}. Set, for each part you want:`,
    missingLine: (label: string, missing: string[], doc: string, partly: boolean) =>
      `  - ${label}: ${partly ? 'partly configured; still ' : ''}set ${missing.join('; ')} (see ${doc})`,
    seeExample: 'Every setting is described in .env.example; copy it to .env and fill in what you use.',
    notEnabled: 'Not enabled (settings missing):',
    databaseFailed: (url: string, reason: string) => `crm start: cannot open or migrate the database ${url}: ${reason}`,
    reportsEvery: (label: string, minutes: number, dir: string) => `${label} every ${minutes} min into ${dir}`,
    starting: (parts: string[], database: string, envFile: string | undefined) =>
      `running ${parts.join(', ')} on ${database}${envFile ? ` (settings from ${envFile} and the environment)` : ''}. Ctrl-C or SIGTERM stops.`,
    exited: (name: string, how: string, wait: number) => `${name} exited (${how}); restarting in ${wait} s`,
    reportsBuilt: (dir: string, seconds: string, every: number) => `reports built into ${dir} in ${seconds} s; next build in ${every} min`,
    reportsFailed: (how: string, minutes: number) => `reports build failed (${how}; the output above says more); trying again in ${minutes} min`,
    outDirNotSite: (dir: string) => `CRM_REPORTS_OUT_DIR=${dir} holds other files (and no index.html); the reports build replaces everything in its folder, so give it a folder of its own.`,
    swapFailed: (dir: string, reason: string) => `the new site could not replace ${dir}: ${reason}`,
    stopping: 'stopping every part ...',
    stopped: 'stopped.',
  },
  mail: {
    senderNotConfigured: (problems: string[]) => `The outbox cannot be sent; fix these settings (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    sent: (r: { sent: number; retrying: number; failed: number; released: number; rateLimited: boolean; nextDueAt: string | null }) =>
      `Sent ${r.sent} email${r.sent === 1 ? '' : 's'}; ${r.retrying} will be tried again, ${r.failed} failed` +
      (r.released ? `, ${r.released} released from a sender that stopped` : '') +
      (r.rateLimited ? '. The per-minute limit (MAIL_SEND_PER_MINUTE) is reached: run again in a minute, or let npm start send the rest.' : r.nextDueAt ? `. Next retry due ${r.nextDueAt}.` : '.'),
    outboxTitle: (counts: Record<string, number>, shown: number) =>
      `Outbox: ${counts.queued ?? 0} queued, ${counts.sending ?? 0} sending, ${counts.sent ?? 0} sent, ${counts.failed ?? 0} failed${shown ? ` (newest ${shown} shown)` : ''}`,
  },
  groups: {
    db: 'database migrations',
    import: 'import contacts from CSV or vCard',
    export: 'export contacts as CSV or vCard',
    demo: 'demo data and generated test data',
    mail: 'log email from .eml files or an mbox; review participants no contact matched',
    start: 'run the bot, the ingester, the mail sender and the reports build (npm start)',
    reports: 'build the reports site',
  } as Record<string, string>,
  reports: {
    outEmpty: '--out needs a folder, e.g. crm reports build --out ./site',
    outDirNotSite: (dir: string) => `${dir} holds other files (and no index.html); the reports build replaces everything in its folder, so give --out a folder of its own.`,
    built: (pages: number, csv: number, dir: string, seconds: number, database: string, at: string, contacts: number, segments: number, campaigns: number) =>
      `Built ${pages} pages and ${csv} CSV files into ${dir} in ${seconds.toFixed(1)} s, from ${database} as of ${at.replace('T', ' ').slice(0, 16)} UTC (${contacts} contacts, ${segments} segments, ${campaigns} campaigns). Open ${dir}/index.html, or serve the folder behind authentication: it holds personal data.`,
    failed: (reason: string) => `The reports build failed: ${reason}`,
  },
}
