import { createTestDatabase, describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { createCoreDeps, exportContacts, importContacts, renderText, runCommand, type CommandContext } from '../src/index.ts'
import { admin, countRows, domainError, snapshotDatabase, useCore, NOW } from './builders.ts'

/** What both suites run with: commands, their data, the contacts a filter selects, and refusals that change nothing. */
function filterProbe(core: ReturnType<typeof useCore>) {
  const run = (line: string, ctx: CommandContext = core.ctx) => runCommand(ctx, line)
  const data = async (line: string) => (await run(line)).data as any
  /** The numbers of the contacts a fresh segment gets from the filter. */
  const matching = async (filter: string): Promise<string[]> => {
    const seg = (await data('segment new "Probe"')).segment.no as string
    await run(`segment add ${seg} ${filter}`)
    return ((await data(`segment contacts ${seg}`)).contacts as Array<{ no: string }>).map((c) => c.no).sort()
  }
  /** The refusal's message (and field, for checks); the database is as it was. */
  const refusal = async (line: string) => {
    const before = await snapshotDatabase(core.database)
    const error = await domainError(run(line))
    expect(await snapshotDatabase(core.database), line).toEqual(before)
    return error
  }
  return { run, data, matching, refusal }
}

describeEachDialect('segment filters on contact fields, dates and company size', (dialect) => {
  const core = useCore(dialect)
  const { run, data, matching, refusal } = filterProbe(core)
  const refused = async (line: string) => (await refusal(line)).userMessage

  beforeEach(async () => {
    const on = (day: string): CommandContext => ({ ...core.ctx, deps: createCoreDeps(core.database, { clock: () => new Date(`${day}T09:00:00Z`) }) })
    await run('contact add company "Hekla Útgerð ehf" --email info@hekla.is --phone "+354 555 1234" --website https://www.hekla.is/en --employees 120 --annual-revenue 2,500,000.00', on('2026-01-15'))
    await run('contact add person "Þóra Guðmundsdóttir" --company CT000001 --email Thora@Hekla.is --mobile "862 4455"', on('2026-06-01'))
    await run('contact add company "Eldey Fiskur hf" --email eldey@eldey.is --website eldey.is --employees 12 --annual-revenue 400000', on('2026-11-19'))
    await run('contact add company "Norsk Fisk AS" --website norskfisk.no', on('2026-11-20'))
  })

  it('stores company size from contact add and edit, shows it, and clears it with ""', async () => {
    expect((await data('contact show CT000001')).contact).toMatchObject({ employees: 120, annualRevenueMinor: 250_000_000 })
    expect(renderText(await run('contact show CT000001'))).toContain('Company size    120 employees, revenue 2,500,000.00 EUR')
    expect((await data('contact edit CT000003 --employees 1,200 --annual-revenue "1 500 000,50"')).contact).toMatchObject({ employees: 1200, annualRevenueMinor: 150_000_050 })
    expect((await data('contact edit CT000003 --employees "" --annual-revenue ""')).contact).toMatchObject({ employees: null, annualRevenueMinor: null })
    expect(await refused('contact edit CT000001 --employees many')).toBe('"many" is not a number of employees (a whole number from 0). Example: --employees 50')
    expect(await refused('contact edit CT000001 --employees 12.5')).toContain('is not a number of employees')
    expect(await refused('contact edit CT000001 --annual-revenue -5')).toContain('cannot be negative')
    expect(await refused('contact edit CT000001 --annual-revenue 1.500')).toContain('"1.500" is ambiguous')
    expect(await refused('contact add company "Tiny" --employees -1')).toContain('is not a number of employees')
    // Company size describes a company: a person is refused it, pointed at its company.
    expect(await refused('contact edit CT000002 --employees 50')).toBe('The number of employees belongs to companies, not persons; set it on the person\'s company. Example: contact edit CT000001 --employees 50')
    expect(await refused('contact edit CT000002 --annual-revenue 1000')).toBe('The annual revenue belongs to companies, not persons; set it on the person\'s company. Example: contact edit CT000001 --annual-revenue 1000000')
    expect(await refused('contact add person "Jón Jónsson" --employees 5')).toBe('The number of employees belongs to companies, not persons; set it on the person\'s company. Example: contact edit <company> --employees 5')
    expect((await data('contact edit CT000002 --employees ""')).contact).toMatchObject({ employees: null })
  })

  it('selects by employees and annual revenue with >=, <=, >, < and =', async () => {
    expect(await matching('employees>=50')).toEqual(['CT000001'])
    expect(await matching('employees>12')).toEqual(['CT000001'])
    expect(await matching('employees<=12')).toEqual(['CT000003'])
    expect(await matching('employees=12')).toEqual(['CT000003'])
    expect(await matching('annual-revenue<1000000')).toEqual(['CT000003'])
    expect(await matching('annual-revenue>=2,500,000.00')).toEqual(['CT000001'])
    // Unknown sizes match no comparison, but do match its negation.
    expect(await matching('!employees>=50')).toEqual(['CT000002', 'CT000003', 'CT000004'])
    expect(await matching('employees>=10 annual-revenue<1000000')).toEqual(['CT000003'])
  })

  it('selects by email, phone, website and name, exactly (=) or by a part (~)', async () => {
    expect(await matching('email=THORA@hekla.is')).toEqual(['CT000002'])
    expect(await matching('email~@hekla.is')).toEqual(['CT000001', 'CT000002'])
    // Þóra took her company's phone when she was created.
    expect(await matching('phone=3545551234')).toEqual(['CT000001', 'CT000002'])
    expect(await matching('phone~4455')).toEqual(['CT000002'])
    expect(await matching('mobile~862')).toEqual(['CT000002'])
    expect(await matching('website=hekla.is')).toEqual(['CT000001'])
    expect(await matching('website=http://www.eldey.is/')).toEqual(['CT000003'])
    expect(await matching('website~.is')).toEqual(['CT000001', 'CT000003'])
    expect(await matching('"name=hekla utgerd EHF"')).toEqual(['CT000001'])
    expect(await matching('name~fisk')).toEqual(['CT000003', 'CT000004'])
    expect(await matching('email!=info@hekla.is has:email')).toEqual(['CT000002', 'CT000003'])
    // % and _ are taken literally.
    expect(await matching('email~_')).toEqual([])
  })

  it('selects by created date: a day, before, after, and a period', async () => {
    expect(await matching('created=2026-06-01')).toEqual(['CT000002'])
    expect(await matching('created>=2026-11-19')).toEqual(['CT000003', 'CT000004'])
    expect(await matching('created>2026-11-19')).toEqual(['CT000004'])
    expect(await matching('created<2026-06-01')).toEqual(['CT000001'])
    expect(await matching('created<=2026-06-01')).toEqual(['CT000001', 'CT000002'])
    expect(await matching('created=2026-01-01..2026-06-30')).toEqual(['CT000001', 'CT000002'])
    expect(NOW.toISOString()).toBe('2026-11-20T10:00:00.000Z')
    expect(await matching('created=7d')).toEqual(['CT000003', 'CT000004'])
    expect(await matching('modified>=2026-11-20')).toEqual(['CT000004'])
  })

  it('refuses a bad operator or value, naming the term and what is allowed', async () => {
    await run('segment new "Bad"')
    const seg = 'SG00001'
    expect(await refused(`segment add ${seg} country>IS`)).toBe('">IS" compares dates and numbers: it works with created, modified, employees, annual-revenue. For country use = or !=. Example: industry=FISHING country=IS no-interaction:EMAIL-OUT:30d'.replace('">IS"', '"country>IS": >'))
    expect(await refused(`segment add ${seg} city~vik`)).toContain('"city~vik": ~ (contains) works with name, email, phone, mobile, website; for city use =.')
    expect(await refused(`segment add ${seg} employees>=lots`)).toContain('"employees>=lots": "lots" is not a number of employees')
    expect(await refused(`segment add ${seg} employees>=10,20`)).toContain('compare employees with one value')
    expect(await refused(`segment add ${seg} annual-revenue<1.000`)).toContain('"annual-revenue<1.000": "1.000" is ambiguous')
    expect(await refused(`segment add ${seg} created>=yesterday`)).toContain('"yesterday" is not a date')
    expect(await refused(`segment add ${seg} created=2026-02-30`)).toContain('not a valid calendar date')
    expect(await refused(`segment add ${seg} created~2026`)).toContain('created is compared with =, !=, >=, <=, > or <, not ~.')
    expect(await refused(`segment add ${seg} phone=`)).toContain('give a value after "="')
    expect(await refused(`segment add ${seg} phone=abc`)).toContain('give phone digits after "="')
    expect(await refused(`segment add ${seg} colour=red`)).toContain('unknown field "colour"')
    expect(await refused(`segment add ${seg} country==IS`)).toContain('"country==IS": one operator at a time: country=VALUE, country!=VALUE.')
    expect(await refused(`segment add ${seg} employees=>50`)).toContain('"employees=>50": one operator at a time: employees=VALUE, employees!=VALUE, employees>=VALUE')
  })

  it('refuses an impossible date in a filter naming the term, with a filter term as the example', async () => {
    await run('segment new "Bad dates"')
    expect(await refused('segment add SG00001 created>2025-13-01')).toBe('"created>2025-13-01": "2025-13-01" is not a valid calendar date. Example: created>2026-01-01')
    expect(await refused('segment add SG00001 !modified<=0201-01-01')).toBe('"!modified<=0201-01-01": "0201-01-01" is not a plausible date: the year is 0201; give a year from 1900 to 2199. Example: !modified<=2026-01-01')
    expect(await refused('segment add SG00001 created=2026-01-01..2026-02-30')).toBe('"created=2026-01-01..2026-02-30": "2026-02-30" is not a valid calendar date. Example: created=2026-01-01..2026-03-31')
    expect(await refused('segment add SG00001 interaction:EMAIL-OUT:2026-13-01..')).toBe('"interaction:EMAIL-OUT:2026-13-01..": "2026-13-01" is not a valid calendar date. Example: interaction:EMAIL-OUT:2026-01-01..2026-03-31')
    for (const line of ['segment add SG00001 created>2025-13-01', 'segment add SG00001 interaction:*:..2026-02-30']) expect(await refused(line)).not.toContain('--filter')
  })

  it('keeps company-size criteria when saved and applied again', async () => {
    await run('segment new "Big ones"')
    await run('segment add SG00001 employees>=50 "annual-revenue>=1 000 000"')
    await run('segment save-criteria SG00001 BIG')
    await run('contact edit CT000003 --employees 60 --annual-revenue 1200000')
    await run('segment new "Big ones again"')
    await run('segment apply-criteria SG00002 BIG')
    expect(((await data('segment contacts SG00002')).contacts as Array<{ no: string }>).map((c) => c.no).sort()).toEqual(['CT000001', 'CT000003'])
  })
})

describeEachDialect('segment filters on salespeople, codes, classifications and opportunities', (dialect) => {
  const core = useCore(dialect)
  const { run, data, matching, refusal } = filterProbe(core)
  const refused = async (line: string) => {
    const error = await refusal(line)
    expect(error.field).toBe('filter')
    return error.userMessage
  }

  beforeEach(async () => {
    await run('salesperson add JD "Jane Doe"')
    await run('salesperson add MK "Magnús Karlsson"')
    await run('contact add company "Hekla Útgerð ehf" --country IS --language is --salesperson JD --territory NORTH --mailing-group XMAS')
    await run('contact add person "Þóra Guðmundsdóttir" --company CT000001 --salesperson JD --job PURCHASE --mailing-group NEWSLETTER,XMAS')
    await run('contact add company "Eldey Fiskur hf" --country IS --salesperson MK --territory WEST')
    await run('contact add person "Jón Jónsson" --company CT000003 --salesperson MK --job MANAGEMENT,SALES --mailing-group EVENTS')
    await run('contact add company "Norsk Fisk AS" --country NO --language nb')
  })

  it('selects by mailing group and job responsibility, the contact\'s own only (not through its company)', async () => {
    expect(await matching('mailing=XMAS')).toEqual(['CT000001', 'CT000002'])
    expect(await matching('mailing=newsletter,EVENTS')).toEqual(['CT000002', 'CT000004'])
    expect(await matching('!mailing=XMAS')).toEqual(['CT000003', 'CT000004', 'CT000005'])
    expect(await matching('job=PURCHASE')).toEqual(['CT000002'])
    expect(await matching('job=SALES,PURCHASE')).toEqual(['CT000002', 'CT000004'])
    // Companies have no job responsibilities; the persons' do not count for them.
    expect(await matching('job=MANAGEMENT type=company')).toEqual([])
    expect(await matching('mailing=XMAS job=PURCHASE')).toEqual(['CT000002'])
  })

  it('selects by salesperson, territory, language and company', async () => {
    expect(await matching('salesperson=JD')).toEqual(['CT000001', 'CT000002'])
    expect(await matching('salesperson=mk')).toEqual(['CT000003', 'CT000004'])
    expect(await matching('salesperson!=JD')).toEqual(['CT000003', 'CT000004', 'CT000005'])
    expect(await matching('territory=north,WEST')).toEqual(['CT000001', 'CT000003'])
    expect(await matching('language=NB')).toEqual(['CT000005'])
    expect(await matching('company=ct000003')).toEqual(['CT000004'])
  })

  it('selects contacts with an open opportunity at a stage, a company through its persons', async () => {
    await run('opp new CT000002 "Cod 2027" --value 1000')
    await run('opp next OP000001')
    await run('opp new CT000003 "Haddock" --value 500')
    await run('opp new CT000005 "Salmon" --value 700')
    await run('opp next OP000003')
    await run('opp close OP000003 lost PRICE')
    expect((await data('opp show OP000001')).opportunity).toMatchObject({ stage: 2, status: 'in_progress' })
    expect(await matching('opportunity:2')).toEqual(['CT000001', 'CT000002'])
    expect(await matching('opportunity:1')).toEqual(['CT000003'])
    // A closed opportunity is at no stage any more, whatever stage it reached.
    expect(await matching('opportunity:2 no=CT000005')).toEqual([])
    expect(await matching('no-opportunity:2 type=company')).toEqual(['CT000003', 'CT000005'])
  })

  it('refuses a salesperson, country, language, territory or company that does not exist, naming the term and listing what is allowed', async () => {
    await run('segment new "Bad values"')
    expect(await refused('segment add SG00001 salesperson=ZZ')).toBe('"salesperson=ZZ": there is no salesperson ZZ. Salespeople: JD, MK. Example: salesperson=JD')
    expect(await refused('segment add SG00001 salesperson=JD,zz,QQ')).toContain('there is no salesperson ZZ, QQ.')
    expect(await refused('segment add SG00001 country=ISL')).toBe('"country=ISL": ISL is not a two-letter ISO country code, as contacts store them. Countries of your contacts: IS, NO. Example: country=IS,NO')
    expect(await refused('segment add SG00001 !country=IS,Iceland')).toBe('"!country=IS,Iceland": ICELAND is not a two-letter ISO country code, as contacts store them. Countries of your contacts: IS, NO. Example: !country=IS,NO')
    expect(await refused('segment add SG00001 language=XX')).toBe('"language=XX": xx is not a language code. Use ISO 639 codes such as is, en, ru, de or pt-br, as contacts store them. Example: language=is,en')
    expect(await refused('segment add SG00001 language=is,english')).toContain('english is not a language code.')
    expect(await refused('segment add SG00001 territory=NOPE')).toBe('"territory=NOPE": no contact has territory NOPE. Territories of your contacts: NORTH, WEST. Example: territory=NORTH')
    expect(await refused('segment add SG00001 company=CT999999')).toBe('"company=CT999999": there is no company CT999999; company= takes the contact number of a company and selects its persons. See the companies with: contact list --type company. Example: company=CT000001')
    // A person's number is not a company's.
    expect(await refused('segment add SG00001 company=CT000002')).toContain('there is no company CT000002;')
    expect(await data('segment show SG00001')).toMatchObject({ segment: { lines: 0 }, steps: [] })
  })

  it('says how to get a salesperson or territory when there is none yet', async () => {
    const empty = { ...core.ctx, deps: createCoreDeps(await createTestDatabase(dialect), { clock: () => NOW }) }
    try {
      await runCommand(empty, 'segment new "Empty"')
      expect((await domainError(runCommand(empty, 'segment add SG00001 salesperson=JD'))).userMessage).toContain('Salespeople: (none yet; add one with: salesperson add JD "Jane Doe").')
      expect((await domainError(runCommand(empty, 'segment add SG00001 territory=NORTH'))).userMessage).toContain('Territories of your contacts: (none yet; give a contact one with: contact edit CT000001 --territory NORTH).')
    } finally {
      await empty.deps.database.close()
    }
  })
})

describeEachDialect('company size in contact files', (dialect) => {
  const core = useCore(dialect)
  const importCsv = (content: string) => importContacts(core.deps, admin, { format: 'csv', content })

  it('imports employees and annual revenue, reports bad ones by line, and exports them so they import back the same', async () => {
    const bad = await domainError(importCsv(['type,name,employees,annual_revenue', 'company,Good hf,50,"1,500,000.00"', 'company,Bad hf,many,1.500'].join('\n')))
    expect(bad.userMessage).toContain('line 3, employees: "many" is not a number of employees')
    expect(bad.userMessage).toContain('line 3, annual_revenue: "1.500" is ambiguous')
    expect(await countRows(core.database, 'contacts')).toBe(0)
    await importCsv(['type,name,employees,annual_revenue', 'company,Good hf,50,"1,500,000.00"', 'company,Small hf,3,', 'company,Unknown hf,,'].join('\n'))
    const csv = await exportContacts(core.deps, { format: 'csv' })
    const lines = csv.trim().split('\r\n')
    expect(lines[0]!.endsWith(',employees,annual_revenue')).toBe(true)
    expect(lines.slice(1).map((l) => l.split(',').slice(-2).join(','))).toEqual(['50,1500000.00', '3,', ','])
    const copy = await createTestDatabase(dialect)
    try {
      await importContacts(createCoreDeps(copy, { clock: () => NOW }), admin, { format: 'csv', content: csv })
      const rows = await copy.db.selectFrom('contacts').select(['name', 'employees', 'annual_revenue_minor']).orderBy('no').execute()
      expect(rows.map((r) => [r.name, r.employees, r.annual_revenue_minor === null ? null : Number(r.annual_revenue_minor)])).toEqual([['Good hf', 50, 150_000_000], ['Small hf', 3, null], ['Unknown hf', null, null]])
    } finally {
      await copy.close()
    }
  })
})
