/** Every user-facing text of the CLI (English first; other catalogs can follow the same keys). */
export const messages = {
  errorPrefix: 'Error:',
  unexpected: (ref: string) => `Something went wrong (ref ${ref}). Run again with CRM_DEBUG=1 to see the details.`,
  dbOpenFailed: (url: string, reason: string) => `Could not open the database ${url}: ${reason}`,
  globalFlagNeedsValue: (flag: string) => `${flag} needs a value. Example: crm ${flag} sqlite:./data/crm.sqlite contact find anna`,
  migrated: (applied: string[], url: string) => (applied.length ? `Applied ${applied.length} migration(s) to ${url}: ${applied.join(', ')}` : `${url} is up to date.`),
  groups: {
    db: 'database migrations',
    import: 'import contacts from CSV or vCard',
    export: 'export contacts as CSV or vCard',
    demo: 'demo data and generated test data',
  } as Record<string, string>,
}
