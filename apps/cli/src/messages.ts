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
    alreadyThere: (existing: number, url: string) => `The demo data is already there (${existing} contacts in ${url}); nothing was added.`,
    notDemo: (existing: number, url: string) => `${url} already has ${existing} contacts of its own, so no demo data was added. For a fresh demo: crm --db sqlite:./data/demo.sqlite demo`,
    tipsHeading: 'Try next:',
    tips: [
      ['npx crm contact find þóra', 'accents and case do not matter: thora and ÞÓRA find her too'],
      ['npx crm contact find gudmunds', 'the start of any word of the name, email, phone or company'],
      ['npx crm contact find ирина', 'any script'],
      ['npx crm contact show CT000002', 'a contact card with company, salesperson and classifications'],
      ['npx crm contact duplicates CT000002', 'Thora Gudmundsdottir (CT000008) was typed in a second time'],
      ['npx crm contact list --type company --country IS', ''],
      ['npx crm interactions CT000001 --stats', 'a company\'s interactions roll up its persons\''],
      ['npx crm opp list', 'open opportunities with stage, value and calculated current value'],
      ['npx crm opp forecast', 'by salesperson, close month and stage'],
      ['npx crm --db sqlite:./data/big.sqlite demo generate --contacts 100000', ''],
      ['npx crm help', 'every command'],
    ] as ReadonlyArray<readonly [string, string]>,
  },
  groups: {
    db: 'database migrations',
    import: 'import contacts from CSV or vCard',
    export: 'export contacts as CSV or vCard',
    demo: 'demo data and generated test data',
    mail: 'log email from .eml files or an mbox',
  } as Record<string, string>,
}
