import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { crm, tempSqliteUrl } from './run-cli.ts'

describe('crm command line', () => {
  let db: ReturnType<typeof tempSqliteUrl>
  const run = (...args: string[]) => crm(['--db', db.url, ...args])
  beforeEach(() => {
    db = tempSqliteUrl()
  })
  afterEach(() => db.cleanup())

  it('prints help without touching a database', async () => {
    const r = await crm(['help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('contact')
    expect(r.stdout).toContain('salesperson')
    const sub = await crm(['help', 'contact', 'add'])
    expect(sub.stdout).toContain('Usage')
    expect(sub.stdout).toContain('contact add company "Hekla Útgerð ehf"')
  })

  it('runs acceptance scenario 1 from the shell, in text and JSON', async () => {
    await run('salesperson', 'add', 'JD', 'Jane Doe', '--email', 'jane@example.com')
    const company = await run('contact', 'add', 'company', 'Hekla Útgerð ehf', '--address', 'Grandagarður 1', '--city', 'Reykjavík', '--country', 'IS', '--salesperson', 'JD', '--json')
    expect(company.code).toBe(0)
    expect(company.json().contact.no).toBe('CT000001')
    const person = await run('contact', 'add', 'person', 'Þóra', 'Guðmundsdóttir', '--company', 'CT000001', '--json')
    expect(person.code).toBe(0)
    const data = person.json()
    expect(data.contact).toMatchObject({ no: 'CT000002', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001', city: 'Reykjavík', address: 'Grandagarður 1', salespersonCode: 'JD', inheritsCompanyAddress: true })
    for (const q of ['thora', 'ÞÓRA', 'gudmunds']) {
      const found = await run('contact', 'find', q, '--json')
      expect(found.json().contacts.map((c: { no: string }) => c.no)).toEqual(['CT000002'])
    }
    const text = await run('contact', 'show', 'ct000002')
    expect(text.stdout).toContain('CT000002  Þóra Guðmundsdóttir  (person)')
    expect(text.stdout).toContain('Jane Doe')
  })

  it('loads the demo with activity and backs the database up online, refusing to overwrite', async () => {
    const demo = await run('demo', '--json')
    expect(demo.code).toBe(0)
    expect(demo.json().activity.interactions).toBeGreaterThan(100)
    const file = `${db.url.replace(/^sqlite:/, '')}.backup`
    const backup = await run('db', 'backup', file, '--json')
    expect(backup.code).toBe(0)
    expect(backup.json().bytes).toBeGreaterThan(0)
    const copy = await crm(['--db', `sqlite:${file}`, 'contact', 'show', 'CT000002', '--json'])
    expect(copy.json().contact.name).toBe('Þóra Guðmundsdóttir')
    const again = await run('db', 'backup', file)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('already exists')
  })

  it('builds, logs and measures a campaign segment from the shell (scenario 7), with clear errors for bad filters', async () => {
    for (const name of ['Hekla Útgerð ehf', 'Eldey Fiskur hf', 'Brim hf']) await run('contact', 'add', 'company', name, '--country', 'IS', '--industry', 'FISHING', '--email', `info@${name.split(' ')[0]!.toLowerCase()}.is`)
    expect((await run('campaign', 'new', 'Autumn offer', '--json')).json().campaign.no).toBe('CP0001')
    expect((await run('segment', 'new', 'Fishing', '--campaign', 'CP0001', '--json')).json().segment.no).toBe('SG00001')
    const added = await run('segment', 'add', 'SG00001', 'industry=FISHING', 'country=IS', '--json')
    expect(added.json().step.added).toBe(3)
    const logged = await run('segment', 'log', 'SG00001', 'EMAIL-OUT', 'Autumn offer', '--json')
    expect(logged.json()).toMatchObject({ logged: 3, queued: 3 })
    await run('campaign', 'respond', 'CP0001', 'CT000002', 'Wants a quote')
    const stats = await run('campaign', 'stats', 'CP0001', '--json')
    expect(stats.json()).toMatchObject({ targets: 3, responses: 1, responseRatePct: 33.3 })
    await run('segment', 'new', 'Second')
    const bad = await run('segment', 'add', 'SG00002', 'colour=red')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('unknown field "colour"')
    expect(bad.stderr).not.toContain('    at ')
  })

  it('says which contacts a segment log skipped, in text and JSON', async () => {
    for (const name of ['Hekla Útgerð ehf', 'Eldey Fiskur hf', 'Brim hf']) await run('contact', 'add', 'company', name, '--country', 'IS')
    for (const no of ['SG00001', 'SG00002']) {
      await run('segment', 'new', `Iceland ${no}`)
      await run('segment', 'add', no, 'country=IS')
    }
    await run('contact', 'edit', 'CT000002', '--exclude-from-segments')
    await run('contact', 'edit', 'CT000003', '--privacy-blocked')
    const json = await run('segment', 'log', 'SG00001', 'CALL-OUT', 'Calls', '--json')
    expect(json.code).toBe(0)
    expect(json.json()).toMatchObject({ logged: 1, skipped: 2, skippedContacts: [{ no: 'CT000002', reason: 'excluded-from-segments' }, { no: 'CT000003', reason: 'privacy-blocked' }] })
    const text = await run('segment', 'log', 'SG00002', 'CALL-OUT', 'Calls')
    expect(text.code).toBe(0)
    expect(text.stdout.trim()).toBe('Logged 1 CALL-OUT interaction(s) for segment SG00002; skipped 2 line(s) whose contact may no longer be in a segment: CT000002 (excluded from segments), CT000003 (privacy blocked).')
  })

  it('says which contacts an email segment log skipped for want of an address, in text and JSON', async () => {
    await run('contact', 'add', 'company', 'Hekla Útgerð ehf', '--country', 'IS', '--email', 'info@hekla.is')
    await run('contact', 'add', 'company', 'Brim hf', '--country', 'IS')
    for (const no of ['SG00001', 'SG00002']) {
      await run('segment', 'new', `Iceland ${no}`)
      await run('segment', 'add', no, 'country=IS')
    }
    const json = await run('segment', 'log', 'SG00001', 'EMAIL-OUT', 'Offer', '--json')
    expect(json.code).toBe(0)
    expect(json.json()).toMatchObject({ logged: 1, queued: 1, skipped: 1, skippedContacts: [{ no: 'CT000002', reason: 'no-email-address', lines: 1 }] })
    const text = await run('segment', 'log', 'SG00002', 'EMAIL-OUT', 'Autumn offer')
    expect(text.code).toBe(0)
    expect(text.stdout.trim()).toBe(
      'Logged 1 EMAIL-OUT interaction(s) for segment SG00002; 1 email(s) queued for sending; skipped 1 email line(s) whose contact has no email address: CT000002 (no entry, no mail); log them another way, e.g. log CT000002 LETTER "Autumn offer".',
    )
  })

  it('warns about a duplicate on create and merges it from the shell', async () => {
    await run('contact', 'add', 'company', 'Hekla Útgerð ehf', '--website', 'hekla.is')
    await run('contact', 'add', 'person', 'Þóra Guðmundsdóttir', '--company', 'CT000001')
    const dup = await run('contact', 'add', 'company', 'Hekla Utgerd EHF', '--website', 'https://www.hekla.is', '--json')
    expect(dup.json().duplicates).toEqual([{ no: 'CT000001', name: 'Hekla Útgerð ehf', score: 100, reasons: ['same name', 'same website domain'] }])
    const text = await run('contact', 'duplicates', 'CT000003')
    expect(text.stdout).toContain('100%  CT000001')
    const merged = await run('contact', 'merge', 'CT000001', 'CT000003', '--json')
    expect(merged.code).toBe(0)
    expect(merged.json()).toMatchObject({ merged: 'CT000001', survivor: 'CT000003', movedPersons: 1 })
    const thora = await run('contact', 'show', 'CT000002', '--json')
    expect(thora.json().contact).toMatchObject({ companyNo: 'CT000003', companyName: 'Hekla Utgerd EHF' })
    const gone = await run('contact', 'show', 'CT000001')
    expect(gone.code).toBe(1)
    expect(gone.stderr).toContain('There is no contact CT000001')
  })

  it('rejects bad input with a clear message, exit 1, and stores nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['contact', 'add', 'company', 'X', '--email', 'not-an-email'], /"not-an-email" is not an email address\. Example: --email/],
      [['contact', 'add', 'robot', 'X'], /<type> is one of company, person, not "robot"/],
      [['contact', 'add', 'company', 'X', '--colour', 'red'], /Unknown option --colour.*Options: /],
      [['contact', 'add', 'person', 'X', '--company', 'CT999999'], /There is no company CT999999/],
      [['contact', 'add', 'company', 'X', '--country', 'Iceland'], /"ICELAND" is not a two-letter ISO country code/],
      [['contact', 'add', 'company', 'X', '--salesperson', 'NOPE'], /There is no salesperson NOPE/],
      [['contact', 'add', 'company'], /A contact needs a name/],
      [['contact', 'edit', 'CT000001', '--city', 'Reykjavík'], /There is no contact CT000001/],
      [['contatc', 'find', 'x'], /Did you mean "contact"\?/],
      [['contact', 'frobnicate'], /Unknown contact command "frobnicate"/],
      [['contact', 'find', '--limit', 'ten', 'x'], /--limit needs a whole number, not "ten"/],
      [['setup', 'set', 'duplicate-threshold', '500'], /whole number from 1 to 100/],
    ]
    for (const [args, message] of cases) {
      const r = await run(...args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr, args.join(' ')).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    const list = await run('contact', 'list', '--json')
    expect(list.json().contacts).toEqual([])
  })

  it('refuses log and campaign respond cleanly when CRM_ACTOR is no salesperson, storing nothing', async () => {
    await run('salesperson', 'add', 'JD', 'Jane Doe')
    await run('contact', 'add', 'company', 'Hekla Útgerð ehf')
    await run('campaign', 'new', 'Autumn offer')
    const as = (...args: string[]) => crm(['--db', db.url, ...args], { CRM_ACTOR: 'zz' })
    for (const args of [['log', 'CT000001', 'CALL-OUT', 'Hello'], ['campaign', 'respond', 'CP0001', 'CT000001', 'Wants a quote']]) {
      const r = await as(...args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr).toContain('You act as salesperson ZZ (CRM_ACTOR), but there is no salesperson ZZ.')
      expect(r.stderr).not.toMatch(/Something went wrong|FOREIGN KEY/)
    }
    expect((await run('interactions', 'CT000001', '--json')).json().interactions).toEqual([])
    const chosen = await as('log', 'CT000001', 'CALL-OUT', 'Hello', '--salesperson', 'JD', '--json')
    expect(chosen.code).toBe(0)
    expect((await run('interactions', 'CT000001', '--json')).json().interactions.map((i: { salespersonCode: string }) => i.salespersonCode)).toEqual(['JD'])
  })

  it('prints errors as JSON with --json', async () => {
    const r = await run('contact', 'show', 'CT000404', '--json')
    expect(r.code).toBe(1)
    expect(r.json()).toEqual({ error: { code: 'CONTACT_NOT_FOUND', message: expect.stringContaining('There is no contact CT000404'), field: 'contact' } })
  })

  it('explains a bad database URL', async () => {
    const r = await crm(['--db', 'mysql://x@y/z', 'contact', 'find', 'x'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Unsupported database URL/)
  })

  it('erases only after confirmation', async () => {
    await run('contact', 'add', 'person', 'Ирина Соколова', '--email', 'irina@example.ru')
    const ask = await run('contact', 'erase', 'CT000001')
    expect(ask.code).toBe(0)
    expect(ask.stdout).toContain('contact erase CT000001 --confirm CT000001')
    expect((await run('contact', 'find', 'ирина', '--json')).json().contacts).toHaveLength(1)
    const done = await run('contact', 'erase', 'CT000001', '--confirm', 'CT000001')
    expect(done.stdout).toContain('Erased the personal data of CT000001')
    expect((await run('contact', 'find', 'ирина', '--json')).json().contacts).toHaveLength(0)
    const shown = (await run('contact', 'show', 'CT000001', '--json')).json().contact
    expect(shown).toMatchObject({ name: 'Erased contact CT000001', email: null, privacyBlocked: true })
  })

  it('migrates on demand', async () => {
    const r = await run('db', 'migrate')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('is up to date')
  })
})
