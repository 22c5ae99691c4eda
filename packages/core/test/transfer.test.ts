import { changeLog, contacts as contactQueries, type CrmDatabase } from '@crm/db'
import { createTestDatabase, describeEachDialect } from '@crm/db/testing'
import {
  addSalesperson,
  createContact,
  createCoreDeps,
  CsvSyntaxError,
  DomainError,
  eraseContact,
  exportContacts,
  getContactDetails,
  importContacts,
  readCsv,
  readVcards,
  runCommand,
  searchContacts,
  writeCsv,
  neutralizeCsvFormula,
  writeVcard,
  type CoreDeps,
  type ImportRowError,
} from '@crm/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const actor = { id: 'test:admin', isAdmin: true }
const clock = () => new Date('2026-11-20T10:00:00Z')

async function importError(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DomainError)
  return error as DomainError
}

/** Every live contact, keyed by name, without what a new CRM assigns anew (numbers and timestamps). */
async function snapshot(database: CrmDatabase) {
  const deps = createCoreDeps(database, { clock })
  const rows = await contactQueries.list(database.db, {}, 1000)
  const out: Record<string, unknown> = {}
  for (const row of rows) {
    const details = await getContactDetails(deps, row.no)
    const { no, companyNo, createdAt, modifiedAt, ...contact } = details.contact
    out[row.name] = { ...contact, classifications: details.classifications, persons: details.persons.map((p) => p.name).sort() }
  }
  return out
}

describe('CSV reader and writer', () => {
  it('reads quoted delimiters, doubled quotes, line breaks in fields, CRLF, CR and a BOM', () => {
    const text = '\ufeffname,note\r\n"Hekla, ehf","say ""hi""\r\nsecond line"\rplain,\n\nlast,"x"'
    expect(readCsv(text)).toEqual([
      { line: 1, fields: ['name', 'note'] },
      { line: 2, fields: ['Hekla, ehf', 'say "hi"\r\nsecond line'] },
      { line: 4, fields: ['plain', ''] },
      { line: 6, fields: ['last', 'x'] },
    ])
  })

  it('detects a semicolon delimiter and reports an unclosed quote with its line', () => {
    expect(readCsv('a;b\n1,5;2\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1,5', '2'] },
    ])
    expect(readCsv('a, "b, c" ,d\n')[0]!.fields).toEqual(['a', 'b, c', 'd'])
    const error = (() => {
      try {
        readCsv('a,b\n1,"open\nstill open')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(CsvSyntaxError)
    expect((error as CsvSyntaxError).line).toBe(2)
  })

  it('writes what it reads back unchanged', () => {
    const records = [
      ['Þóra', 'a,b', 'say "x"', 'two\nlines', ' padded ', ''],
      ['Ирина', '', 'plain', '', '', 'end'],
    ]
    const text = writeCsv(records)
    expect(text).toContain('"a,b","say ""x""","two\nlines"," padded "')
    expect(readCsv(text).map((r) => r.fields)).toEqual(records)
  })

  it('writes formula-like text exactly unless neutralized, and never neutralizes a plain number', () => {
    const hostile = ['=1+1', '+1', '-2+3+cmd|\' /C calc\'!A0', '@SUM(A1)', '\t=1', '\r=1']
    // Exact by default (contact export reads its files back).
    expect(readCsv(writeCsv([hostile, ['x', 'y', 'z', 'w', 'v', 'u']]))[0]!.fields).toEqual(hostile)
    expect(hostile.map(neutralizeCsvFormula)).toEqual(hostile.map((h) => `'${h}`))
    expect(['-5', '-12.50', '0', '2000.00', 'Hekla', 'a=b', '', '2026-11-20'].map(neutralizeCsvFormula)).toEqual(['-5', '-12.50', '0', '2000.00', 'Hekla', 'a=b', '', '2026-11-20'])
  })
})

describe('vCard reader and writer', () => {
  it('unfolds lines, unescapes text and decodes quoted-printable UTF-8 from old Outlook exports', () => {
    const text = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gu=C3=B0mundsd=C3=B3ttir;=C3=9E=',
      '=C3=B3ra',
      'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=9E=C3=B3ra Gu=C3=B0mundsd=C3=B3ttir',
      'TEL;CELL;PREF:+354 555 1234',
      'TEL;WORK;VOICE:+354 555 0000',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Jón Jónsson',
      'ORG:Hekla\\, Útgerð ehf;Sales',
      'NOTE:ignored\\nreally',
      'ADR;TYPE=work:;;Laugavegur 1\\nBakhús;Reykja',
      ' vík;;101;Iceland',
      'EMAIL;TYPE=internet:jon@hekla.is',
      'EMAIL;TYPE=internet,pref:boss@hekla.is',
      'END:VCARD',
    ].join('\r\n')
    const [thora, jon] = readVcards(text)
    expect(thora).toMatchObject({ line: 1, formattedName: 'Þóra Guðmundsdóttir', name: { family: 'Guðmundsdóttir', given: 'Þóra' } })
    expect(thora!.phones).toEqual([
      { value: '+354 555 1234', types: ['cell', 'pref'] },
      { value: '+354 555 0000', types: ['work', 'voice'] },
    ])
    expect(jon).toMatchObject({ line: 9, organization: 'Hekla, Útgerð ehf', emails: ['boss@hekla.is', 'jon@hekla.is'] })
    expect(jon!.addresses[0]).toMatchObject({ street: 'Laugavegur 1\nBakhús', locality: 'Reykjavík', postCode: '101', country: 'Iceland' })
  })

  it('writes vCard 4.0 with escaped text and lines folded at 75 octets that read back the same', () => {
    const name = 'Þóra Guðmundsdóttir, Sigríður Ásgeirsdóttir; og Ólafía Þorsteinsdóttir frá Hekla'
    const text = writeVcard({ kind: 'individual', formattedName: name, organization: 'A, B; C', emails: ['thora@hekla.is'] })
    expect(text.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\n')).toBe(true)
    expect(text).toContain('ORG:A\\, B\\; C')
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    expect(text.split('\r\n').some((l) => l.startsWith(' '))).toBe(true)
    const [card] = readVcards(text)
    expect(card).toMatchObject({ kind: 'individual', formattedName: name, organization: 'A, B; C', emails: ['thora@hekla.is'] })
  })
})

describeEachDialect('contact import and export', (dialect) => {
  let database: CrmDatabase
  let deps: CoreDeps
  beforeEach(async () => {
    database = await createTestDatabase(dialect)
    deps = createCoreDeps(database, { clock })
  })
  afterEach(async () => {
    await database.close()
  })

  const count = () => contactQueries.count(database.db)

  it('imports a CSV with Icelandic and Russian names, quoted commas, quotes and line breaks', async () => {
    const csv = [
      'Type,Name,firstName,Surname,Job Title,company,address,city,country,email,phone,relations,industry_groups,job_responsibilities,privacy_blocked',
      'company,"Hekla Útgerð, ehf",,,,,Laugavegur 1,Reykjavík,IS,info@hekla.is,+354 555 0000,CUST|PROSPECT,FISHING,,',
      'person,,Þóra,Guðmundsdóttir,"Sölustjóri ""yfir""",  "Hekla Útgerð, ehf"  ,,,,thora@hekla.is,,PROSPECT,,SALES|MANAGEMENT,yes',
      'person,"Ирина Петрова",,,,,"Тверская ул., 1',
      'кв. 5",Москва,Russia,irina@example.ru,,,,,',
    ].join('\r\n')
    const progress: Array<[number, number]> = []
    const result = await importContacts(deps, actor, { format: 'csv', content: csv, onProgress: (done, total) => progress.push([done, total]) })
    expect(result).toEqual({ created: 3, nos: ['CT000001', 'CT000003'], companiesCreated: 1 })
    expect(progress.at(-1)).toEqual([3, 3])

    const thora = await getContactDetails(deps, 'CT000002')
    expect(thora.contact).toMatchObject({
      type: 'person',
      name: 'Þóra Guðmundsdóttir',
      initials: 'ÞG',
      jobTitle: 'Sölustjóri "yfir"',
      companyNo: 'CT000001',
      companyName: 'Hekla Útgerð, ehf',
      city: 'Reykjavík',
      inheritsCompanyAddress: true,
      phone: '+354 555 0000',
      privacyBlocked: true,
    })
    expect(thora.classifications['job-responsibility']).toEqual(['MANAGEMENT', 'SALES'])
    const hekla = await getContactDetails(deps, 'CT000001')
    expect(hekla.classifications['business-relation']).toEqual(['CUST', 'PROSPECT'])
    expect(hekla.classifications['industry-group']).toEqual(['FISHING'])
    const irina = await getContactDetails(deps, 'CT000003')
    expect(irina.contact).toMatchObject({ type: 'person', firstName: 'Ирина', surname: 'Петрова', address: 'Тверская ул., 1 кв. 5', countryCode: 'RU' })

    expect((await searchContacts(deps, { query: 'gudmunds' })).contacts.map((c) => c.no)).toEqual(['CT000002'])
    expect((await searchContacts(deps, { query: 'ирина' })).contacts.map((c) => c.no)).toEqual(['CT000003'])
    expect((await changeLog.listFor(database.db, 'contact', 'CT000003')).map((e) => [e.action, e.actor])).toEqual([['create', 'test:admin']])
    // The series continues after the block the import took.
    const next = await createContact(deps, actor, { type: 'company', name: 'Next ehf' })
    expect(next.contact.no).toBe('CT000004')
  })

  it('reports every bad row with its line, field and reason and stores nothing', async () => {
    await createContact(deps, actor, { type: 'company', name: 'Existing hf' })
    const before = await count()
    const csv = [
      'type,name,email,country,relations',
      'company,Good ehf,good@example.is,IS,CUST',
      'company,"Multi',
      'line ehf",x@,IS,',
      'company,Fine ehf,fine@example.is,,',
      'company,Bad ehf,bad@example.is,Atlantis,NOPE',
    ].join('\n')
    const error = await importError(importContacts(deps, actor, { format: 'csv', content: csv }))
    expect(error.code).toBe('IMPORT_INVALID')
    expect(error.userMessage).toContain('line 3, email: "x@" is not an email address.')
    expect(error.userMessage).toContain('line 6, country: "ATLANTIS" is not a two-letter ISO country code.')
    expect(error.userMessage).toContain('line 6, relations: There is no business relation NOPE.')
    expect(error.userMessage).not.toContain('Example:')
    const errors = error.details!.errors as ImportRowError[]
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'email'],
      [6, 'country'],
      [6, 'relations'],
    ])
    expect(await count()).toBe(before)
    expect((await createContact(deps, actor, { type: 'company', name: 'After ehf' })).contact.no).toBe('CT000002')
  })

  it('lists at most 20 problems in the message and keeps all of them in the details', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `person,Person ${i},not-an-email-${i}`)
    const error = await importError(importContacts(deps, actor, { format: 'csv', content: ['type,name,email', ...rows].join('\n') }))
    expect((error.details!.errors as ImportRowError[]).length).toBe(25)
    expect(error.userMessage).toContain('line 21, email')
    expect(error.userMessage).not.toContain('line 22, email')
    expect(error.userMessage).toContain('... and 5 more.')
  })

  it('rejects an unknown column, naming it and the accepted ones', async () => {
    const error = await importError(importContacts(deps, actor, { format: 'csv', content: 'name,e-mail address\nHekla,info@hekla.is\n' }))
    expect(error.code).toBe('IMPORT_UNKNOWN_COLUMN')
    expect(error.userMessage).toContain('"e-mail address"')
    expect(error.userMessage).toContain('first_name')
    expect(error.userMessage).toContain('exclude_from_segments')
    expect(await count()).toBe(0)
  })

  it('links persons by company number and refuses a company that is not above the person', async () => {
    const existing = await createContact(deps, actor, { type: 'company', name: 'Marel hf', city: 'Garðabær' })
    const ok = `type,name,company_no\nperson,Anna Jónsdóttir,${existing.contact.no.toLowerCase()}\n`
    await importContacts(deps, actor, { format: 'csv', content: ok })
    expect((await getContactDetails(deps, 'CT000002')).contact).toMatchObject({ companyNo: 'CT000001', city: 'Garðabær' })

    const later = 'type,name,company\nperson,Siggi Jónsson,Later ehf\ncompany,Later ehf,\nperson,Jón Sigurðsson,CT000001\n'
    const error = await importError(importContacts(deps, actor, { format: 'csv', content: later }))
    expect(error.details!.errors).toEqual([
      { line: 2, field: 'company', reason: 'There is no company named "Later ehf" in the CRM or on a line above in the file.' },
      { line: 4, field: 'company', reason: 'There is no company named "CT000001" in the CRM or on a line above in the file.' },
    ])
  })

  it('imports vCards: folded lines, several emails, a cell phone and persons with ORG', async () => {
    await createContact(deps, actor, { type: 'company', name: 'Hekla Útgerð ehf', city: 'Reykjavík', countryCode: 'IS' })
    const vcf = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Þóra Guðmundsdóttir',
      'N:Guðmundsdóttir;Þóra;;;',
      'ORG:Hekla Útgerð ehf',
      'TITLE:Sölustjóri',
      'EMAIL;TYPE=INTERNET,WORK:thora@hekla.is',
      'EMAIL;TYPE=INTERNET,HOME:thora.g@gmail.com',
      'TEL;TYPE=CELL:+354 777 1234',
      'NOTE:met at the fair\\, call in May',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Ирина Петрова',
      'N:Петрова;Ирина;;;',
      'ORG:ООО "Северный',
      '  ветер"',
      'LANG:ru',
      'URL:https://sever.example.ru',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Олег Смирнов',
      'ORG:ООО "Северный ветер"',
      'END:VCARD',
    ].join('\r\n')
    const result = await importContacts(deps, actor, { format: 'vcf', content: vcf })
    expect(result).toEqual({ created: 4, nos: ['CT000002', 'CT000005'], companiesCreated: 1 })
    const thora = (await getContactDetails(deps, 'CT000002')).contact
    expect(thora).toMatchObject({ companyNo: 'CT000001', jobTitle: 'Sölustjóri', email: 'thora@hekla.is', email2: 'thora.g@gmail.com', mobile: '+354 777 1234', city: 'Reykjavík' })
    // The second card's company did not exist: it is created just before the person, and the third card joins it.
    const sever = (await getContactDetails(deps, 'CT000003'))
    expect(sever.contact).toMatchObject({ type: 'company', name: 'ООО "Северный ветер"' })
    expect(sever.persons.map((p) => p.name).sort()).toEqual(['Ирина Петрова', 'Олег Смирнов'])
    expect((await getContactDetails(deps, 'CT000004')).contact).toMatchObject({ firstName: 'Ирина', surname: 'Петрова', languageCode: 'ru', website: 'https://sever.example.ru' })
  })

  it('reports a bad vCard by the line of its BEGIN and stores nothing', async () => {
    const vcf = 'BEGIN:VCARD\nVERSION:3.0\nFN:Good Person\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Bad Person\nEMAIL:bad@\nEND:VCARD\n'
    const error = await importError(importContacts(deps, actor, { format: 'vcf', content: vcf }))
    expect(error.details!.errors).toEqual([{ line: 5, field: 'EMAIL', reason: '"bad@" is not an email address.' }])
    expect(await count()).toBe(0)
  })

  it('refuses a file whose rows look like stored contacts or rows above, naming the lines, unless duplicates are allowed', async () => {
    const csv = ['type,name,company,email,phone', 'company,Hekla Útgerð ehf,,info@hekla.is,+354 555 0000', 'person,Þóra Guðmundsdóttir,Hekla Útgerð ehf,thora@hekla.is,', 'company,Brim hf,,brim@brim.is,'].join('\n')
    expect(await importContacts(deps, actor, { format: 'csv', content: csv })).toEqual({ created: 3, nos: ['CT000001', 'CT000003'], companiesCreated: 2 })
    // The same file again: every row looks like a stored contact; nothing is stored and no number is taken.
    const again = await importError(importContacts(deps, actor, { format: 'csv', content: csv }))
    expect(again.code).toBe('IMPORT_DUPLICATES')
    expect(again.userMessage.split('\n')).toEqual([
      'Nothing was imported: 3 lines look like contacts already in the CRM or on a line above (was the file imported before?). Leave them out, or import anyway with --allow-duplicates.',
      'line 2, Hekla Útgerð ehf: looks like CT000001 Hekla Útgerð ehf (same name, same email, same phone, same email domain)',
      'line 3, Þóra Guðmundsdóttir: looks like CT000002 Þóra Guðmundsdóttir (same name, same email, same phone)',
      'line 4, Brim hf: looks like CT000003 Brim hf (same name, same email, same email domain)',
    ])
    expect((again.details!.duplicates as Array<{ line: number; contacts: Array<{ no: string }> }>).map((d) => [d.line, d.contacts.map((c) => c.no)])).toEqual([[2, ['CT000001']], [3, ['CT000002']], [4, ['CT000003']]])
    expect(await count()).toBe(3)

    // Rows of the same file that look alike (another spelling, the same email) are named with the line above.
    const inFile = ['name,email', 'Katla ehf,katla@katla.is', 'Katla hf,KATLA@katla.is'].join('\n')
    const twice = await importError(importContacts(deps, actor, { format: 'csv', content: inFile }))
    expect(twice.userMessage).toContain('line 3, Katla hf: looks like line 2')
    expect(twice.details!.duplicates).toEqual([{ line: 3, name: 'Katla hf', contacts: [], lines: [2] }])

    const allowed = await importContacts(deps, actor, { format: 'csv', content: csv, allowDuplicates: true })
    expect(allowed).toMatchObject({ created: 3, nos: ['CT000004', 'CT000006'] })
    expect(allowed.possibleDuplicates!.map((d) => d.line)).toEqual([2, 3, 4])
    // The person joins the company on the line above, not the older one of the same name.
    expect((await getContactDetails(deps, 'CT000005')).contact.companyNo).toBe('CT000004')
    expect(await count()).toBe(6)

    // With duplicate search off the import does not look.
    await runCommand({ deps, actor, source: 'test' }, 'setup set duplicate-search off')
    expect(await importContacts(deps, actor, { format: 'csv', content: inFile })).toEqual({ created: 2, nos: ['CT000007', 'CT000008'], companiesCreated: 2 })
  })

  it('exports CSV that imports into an empty database as the same contacts', async () => {
    await addSalesperson(deps, actor, { code: 'JD', name: 'Jane Doe' })
    const hekla = await createContact(deps, actor, {
      type: 'company',
      name: 'Hekla Útgerð, "ehf"',
      address: 'Laugavegur 1',
      postCode: '101',
      city: 'Reykjavík',
      countryCode: 'IS',
      phone: '+354 555 0000',
      website: 'hekla.is',
      salespersonCode: 'JD',
      businessRelations: ['CUST'],
      industryGroups: ['FISHING', 'RETAIL'],
    })
    await createContact(deps, actor, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: hekla.contact.no, email: 'thora@hekla.is', jobResponsibilities: ['SALES'], mailingGroups: ['XMAS'] })
    await createContact(deps, actor, { type: 'person', name: 'Jón Jónsson', companyNo: hekla.contact.no, city: 'Akureyri', excludeFromSegments: true })
    await createContact(deps, actor, { type: 'person', firstName: 'Ирина', middleName: 'Сергеевна', surname: 'Петрова', mobile: '+7 912 000 0000', languageCode: 'ru' })
    const erased = await createContact(deps, actor, { type: 'person', name: 'Gone Person' })
    await eraseContact(deps, actor, erased.contact.no, erased.contact.no)

    const csv = await exportContacts(deps, { format: 'csv' })
    expect(csv.split('\r\n')[0]).toBe(
      'type,name,first_name,middle_name,surname,job_title,company,address,address2,post_code,city,county,country,phone,mobile,email,email2,website,language,salesperson,territory,relations,industry_groups,mailing_groups,job_responsibilities,privacy_blocked,exclude_from_segments,employees,annual_revenue',
    )
    expect(csv).not.toContain('Erased contact')
    expect(csv).toContain('"Hekla Útgerð, ""ehf"""')

    const target = await createTestDatabase(dialect)
    try {
      const targetDeps = createCoreDeps(target, { clock })
      await addSalesperson(targetDeps, actor, { code: 'JD', name: 'Jane Doe' })
      const result = await importContacts(targetDeps, actor, { format: 'csv', content: csv })
      expect(result.created).toBe(4)
      const original = await snapshot(database)
      delete original['Erased contact ' + erased.contact.no]
      expect(await snapshot(target)).toEqual(original)
    } finally {
      await target.close()
    }
  })

  it('exports vCard 4.0 that imports back with its companies', async () => {
    const hekla = await createContact(deps, actor, { type: 'company', name: 'Hekla; Útgerð, ehf', city: 'Reykjavík', countryCode: 'IS' })
    await createContact(deps, actor, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: hekla.contact.no, email: 'thora@hekla.is', mobile: '+354 777 1234', jobTitle: 'CEO' })
    const vcf = await exportContacts(deps, { format: 'vcf' })
    expect(vcf.match(/BEGIN:VCARD\r\nVERSION:4.0\r\n/g)).toHaveLength(2)
    expect(vcf).toContain('KIND:org\r\nFN:Hekla\\; Útgerð\\, ehf\r\n')
    expect(vcf).toContain('N:Guðmundsdóttir;Þóra;;;\r\n')
    expect(vcf).toContain('TEL;VALUE=text;TYPE=cell:+354 777 1234\r\n')

    const target = await createTestDatabase(dialect)
    try {
      const targetDeps = createCoreDeps(target, { clock })
      expect(await importContacts(targetDeps, actor, { format: 'vcf', content: vcf })).toEqual({ created: 2, nos: ['CT000001', 'CT000002'], companiesCreated: 1 })
      expect((await getContactDetails(targetDeps, 'CT000002')).contact).toMatchObject({
        name: 'Þóra Guðmundsdóttir',
        companyNo: 'CT000001',
        companyName: 'Hekla; Útgerð, ehf',
        email: 'thora@hekla.is',
        mobile: '+354 777 1234',
        jobTitle: 'CEO',
      })
    } finally {
      await target.close()
    }
  })

  it('imports 10,000 rows in one go and reports progress', async () => {
    const lines = ['type,name,company,email,city,relations']
    for (let i = 0; i < 1000; i++) lines.push(`company,Company ${i} ehf,,info${i}@c${i}.is,Reykjavík,CUST`)
    for (let i = 0; i < 9000; i++) lines.push(`person,Person ${i} Jónsdóttir,Company ${i % 1000} ehf,p${i}@c${i % 1000}.is,,`)
    const progress: number[] = []
    const started = Date.now()
    // Names like "Person 1101" and "Person 1011" have the same letter pairs: the duplicate search (timed too) names them.
    const result = await importContacts(deps, actor, { format: 'csv', content: lines.join('\n'), onProgress: (done) => progress.push(done), allowDuplicates: true })
    const seconds = (Date.now() - started) / 1000
    expect(result).toMatchObject({ created: 10_000, nos: ['CT000001', 'CT010000'], companiesCreated: 1000 })
    expect(result.possibleDuplicates!.find((d) => d.name === 'Person 1101 Jónsdóttir')).toEqual({ line: 2103, name: 'Person 1101 Jónsdóttir', contacts: [], lines: [2013] })
    expect(progress.length).toBeGreaterThan(10)
    expect(progress.at(-1)).toBe(10_000)
    expect(await count()).toBe(10_000)
    expect((await getContactDetails(deps, 'CT010000')).contact).toMatchObject({ companyNo: 'CT001000', city: 'Reykjavík' })
    expect(seconds).toBeLessThan(25)
  }, 60_000)
})
