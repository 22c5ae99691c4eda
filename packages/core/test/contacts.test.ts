import { contacts as contactRows } from '@crm/db'
import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  addSalesperson,
  changeSetting,
  createContact,
  getContactDetails,
  linkContactToCompany,
  searchContacts,
  updateContact,
  type Contact,
} from '../src/index.ts'
import { admin, domainError, snapshotCounts, useCore } from './builders.ts'

describeEachDialect('contacts', (dialect) => {
  const core = useCore(dialect)
  const find = async (query: string, paging: { limit?: number; offset?: number } = {}) =>
    (await searchContacts(core.deps, { query, ...paging })).contacts.map((c) => c.name)

  describe('acceptance scenario 1', () => {
    beforeEach(async () => {
      await addSalesperson(core.deps, admin, { code: 'JD', name: 'Jane Doe', email: 'jane@example.com' })
      await createContact(core.deps, admin, {
        type: 'company', name: 'Hekla Útgerð ehf', address: 'Grandagarður 1', postCode: '101', city: 'Reykjavík',
        countryCode: 'is', phone: '+354 555 1234', website: 'https://www.hekla.is', salespersonCode: 'jd',
      })
    })

    it('gives the person CT000002 and the company address and salesperson', async () => {
      const { contact: person, duplicates } = await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: 'ct000001', email: 'thora@hekla.is' })
      expect(duplicates).toEqual([])
      expect(person).toMatchObject({
        no: 'CT000002', type: 'person', name: 'Þóra Guðmundsdóttir', firstName: 'Þóra', surname: 'Guðmundsdóttir', initials: 'ÞG',
        companyNo: 'CT000001', companyName: 'Hekla Útgerð ehf', address: 'Grandagarður 1', postCode: '101', city: 'Reykjavík',
        countryCode: 'IS', salespersonCode: 'JD', phone: '+354 555 1234', inheritsCompanyAddress: true,
        createdAt: '2026-11-20T10:00:00.000Z',
      })
      const company = await getContactDetails(core.deps, 'CT000001')
      expect(company.contact.salespersonCode).toBe('JD')
      expect(company.salespersonName).toBe('Jane Doe')
      expect(company.persons.map((p) => p.no)).toEqual(['CT000002'])
    })

    it('gives a person linked later the fields a person added with the company inherits, keeping its own', async () => {
      await updateContact(core.deps, admin, { no: 'CT000001', languageCode: 'is' })
      const created = (await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001' })).contact
      const loose = (await createContact(core.deps, admin, { type: 'person', name: 'Jón Jónsson' })).contact
      const own = (await createContact(core.deps, admin, { type: 'person', name: 'Anna Jónsdóttir', phone: '+354 898 7654', countryCode: 'NO', languageCode: 'nb' })).contact
      const inherited = (c: Contact) => ({ address: c.address, postCode: c.postCode, city: c.city, countryCode: c.countryCode, phone: c.phone, salespersonCode: c.salespersonCode, languageCode: c.languageCode, inheritsCompanyAddress: c.inheritsCompanyAddress })
      const linked = await linkContactToCompany(core.deps, admin, loose.no, 'CT000001')
      expect(inherited(linked)).toEqual(inherited(created))
      expect(linked).toMatchObject({ phone: '+354 555 1234', salespersonCode: 'JD', countryCode: 'IS', languageCode: created.languageCode })
      expect(created.languageCode).not.toBeNull()
      expect(await find('5551234')).toEqual(expect.arrayContaining(['Jón Jónsson', 'Þóra Guðmundsdóttir']))
      // What the person has stays; only its empty fields take the company's.
      const ownLinked = await linkContactToCompany(core.deps, admin, own.no, 'CT000001')
      expect(ownLinked).toMatchObject({ phone: '+354 898 7654', countryCode: 'NO', languageCode: own.languageCode, salespersonCode: 'JD' })
    })

    it('finds Þóra by folded, upper-case, accented and partial names', async () => {
      await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001' })
      await createContact(core.deps, admin, { type: 'person', name: 'Jón Sigurðsson' })
      for (const query of ['thora', 'ÞÓRA', 'þóra', 'gudmunds', 'Guðmunds', 'thora gudm', 'gudm thor']) {
        expect(await find(query), query).toEqual(['Þóra Guðmundsdóttir'])
      }
      expect(await find('thora sigur')).toEqual([])
    })

    it('finds Cyrillic names by any case', async () => {
      await createContact(core.deps, admin, { type: 'person', name: 'Ирина Соколова' })
      await createContact(core.deps, admin, { type: 'person', name: 'Иван Петров' })
      expect(await find('ирина')).toEqual(['Ирина Соколова'])
      expect(await find('ИРИ')).toEqual(['Ирина Соколова'])
      expect(await find('сокол')).toEqual(['Ирина Соколова'])
      expect(await find('и')).toEqual(['Иван Петров', 'Ирина Соколова'])
    })
  })

  describe('company changes flowing to persons', () => {
    beforeEach(async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', address: 'Grandagarður 1', city: 'Reykjavík', countryCode: 'IS' })
      await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001' })
      await createContact(core.deps, admin, { type: 'person', name: 'Jón Jónsson', companyNo: 'CT000001', address: 'Laugavegur 5', city: 'Reykjavík' })
    })

    it('writes a renamed company into its persons and their search entries', async () => {
      await updateContact(core.deps, admin, { no: 'CT000001', name: 'Katla Sjávarútvegur hf' })
      const thora = (await getContactDetails(core.deps, 'CT000002')).contact
      expect(thora.companyName).toBe('Katla Sjávarútvegur hf')
      expect((await getContactDetails(core.deps, 'CT000003')).contact.companyName).toBe('Katla Sjávarútvegur hf')
      expect(await find('sjavarutvegur')).toEqual(['Jón Jónsson', 'Katla Sjávarútvegur hf', 'Þóra Guðmundsdóttir'])
      expect(await find('hekla')).toEqual([])
      expect(await find('katla thora')).toEqual(['Þóra Guðmundsdóttir'])
    })

    it('moves the company address to inheriting persons only', async () => {
      expect((await getContactDetails(core.deps, 'CT000003')).contact.inheritsCompanyAddress).toBe(false)
      await updateContact(core.deps, admin, { no: 'CT000001', address: 'Hafnargata 12', city: 'Akureyri', postCode: '600' })
      const thora = (await getContactDetails(core.deps, 'CT000002')).contact
      const jon = (await getContactDetails(core.deps, 'CT000003')).contact
      expect(thora).toMatchObject({ address: 'Hafnargata 12', city: 'Akureyri', postCode: '600', inheritsCompanyAddress: true })
      expect(jon).toMatchObject({ address: 'Laugavegur 5', city: 'Reykjavík', postCode: null, inheritsCompanyAddress: false })
      expect(await find('akureyri')).toEqual(['Hekla Útgerð ehf', 'Þóra Guðmundsdóttir'])
    })

    it('stops following the company once a person sets an own address', async () => {
      await updateContact(core.deps, admin, { no: 'CT000002', city: 'Hafnarfjörður' })
      await updateContact(core.deps, admin, { no: 'CT000001', address: 'Hafnargata 12', city: 'Akureyri' })
      expect((await getContactDetails(core.deps, 'CT000002')).contact).toMatchObject({ address: 'Grandagarður 1', city: 'Hafnarfjörður', inheritsCompanyAddress: false })
    })

    it('re-enables inheritance with --address-from-company', async () => {
      const relinked = await updateContact(core.deps, admin, { no: 'CT000003', addressFromCompany: true })
      expect(relinked).toMatchObject({ address: 'Grandagarður 1', city: 'Reykjavík', countryCode: 'IS', inheritsCompanyAddress: true })
      await updateContact(core.deps, admin, { no: 'CT000001', address: 'Hafnargata 12', city: 'Akureyri' })
      expect((await getContactDetails(core.deps, 'CT000003')).contact).toMatchObject({ address: 'Hafnargata 12', city: 'Akureyri', inheritsCompanyAddress: true })
    })

    it('refuses --address-from-company for a person without company', async () => {
      await createContact(core.deps, admin, { type: 'person', name: 'Anna Lone' })
      const error = await domainError(updateContact(core.deps, admin, { no: 'CT000004', addressFromCompany: true }))
      expect(error.userMessage).toBe('CT000004 is not linked to a company.')
    })
  })

  describe('company links', () => {
    beforeEach(async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf' })
      await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir' })
      await createContact(core.deps, admin, { type: 'company', name: 'Katla hf' })
    })

    it('refuses to put a person under a person', async () => {
      const before = await snapshotCounts(core.database)
      const onCreate = await domainError(createContact(core.deps, admin, { type: 'person', name: 'Jón Jónsson', companyNo: 'CT000002' }))
      expect(onCreate.code).toBe('NOT_A_COMPANY')
      expect(onCreate.userMessage).toContain('CT000002 (Þóra Guðmundsdóttir) is a person; a person can only belong to a company.')
      const onLink = await domainError(linkContactToCompany(core.deps, admin, 'CT000002', 'CT000002'))
      expect(onLink.code).toBe('NOT_A_COMPANY')
      expect(await snapshotCounts(core.database)).toEqual(before)
    })

    it('refuses to put a company under a company', async () => {
      const onCreate = await domainError(createContact(core.deps, admin, { type: 'company', name: 'Sub ehf', companyNo: 'CT000001' }))
      expect(onCreate.userMessage).toBe('A company cannot belong to another company; only persons can.')
      const onLink = await domainError(linkContactToCompany(core.deps, admin, 'CT000003', 'CT000001'))
      expect(onLink.code).toBe('NOT_A_PERSON')
      expect(onLink.userMessage).toContain('CT000003 (Katla hf) is a company')
      expect((await getContactDetails(core.deps, 'CT000003')).contact.companyNo).toBeNull()
    })

    it('links and unlinks a person, taking the company address while linked', async () => {
      await updateContact(core.deps, admin, { no: 'CT000001', city: 'Reykjavík' })
      const linked = await linkContactToCompany(core.deps, admin, 'ct000002', 'ct000001')
      expect(linked).toMatchObject({ companyNo: 'CT000001', companyName: 'Hekla Útgerð ehf', city: 'Reykjavík', inheritsCompanyAddress: true })
      expect(await find('hekla thora')).toEqual(['Þóra Guðmundsdóttir'])
      const unlinked = await linkContactToCompany(core.deps, admin, 'CT000002', null)
      expect(unlinked).toMatchObject({ companyNo: null, companyName: null, inheritsCompanyAddress: false })
      expect(await find('hekla')).toEqual(['Hekla Útgerð ehf'])
    })

    it('names an unknown company number', async () => {
      const error = await domainError(createContact(core.deps, admin, { type: 'person', name: 'Jón', companyNo: 'CT999999' }))
      expect(error.code).toBe('CONTACT_NOT_FOUND')
      expect(error.userMessage).toBe('There is no company CT999999. Find the number with: contact find <name>')
    })
  })

  describe('classifications and flags', () => {
    it('stores business relations, industry groups, mailing groups, job responsibilities and profile answers', async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', businessRelations: ['prospect', 'CUST'], industryGroups: ['FISHING'], mailingGroups: ['NEWSLETTER'], profile: { budget: 'over 1M' } })
      await createContact(core.deps, admin, { type: 'person', name: 'Þóra', companyNo: 'CT000001', jobResponsibilities: ['PURCHASE'] })
      const company = await getContactDetails(core.deps, 'CT000001')
      expect(company.classifications).toEqual({ 'business-relation': ['CUST', 'PROSPECT'], 'industry-group': ['FISHING'], 'mailing-group': ['NEWSLETTER'], 'job-responsibility': [] })
      expect(company.profile).toEqual([{ question: 'budget', answer: 'over 1M' }])
      expect((await getContactDetails(core.deps, 'CT000002')).classifications['job-responsibility']).toEqual(['PURCHASE'])
      await updateContact(core.deps, admin, { no: 'CT000001', remove: { businessRelations: ['CUST'] }, add: { businessRelations: ['PARTNER'] }, profile: { budget: null } })
      const changed = await getContactDetails(core.deps, 'CT000001')
      expect(changed.classifications['business-relation']).toEqual(['PARTNER', 'PROSPECT'])
      expect(changed.profile).toEqual([])
    })

    it('rejects an industry group on a person, saying where it belongs', async () => {
      const before = await snapshotCounts(core.database)
      const error = await domainError(createContact(core.deps, admin, { type: 'person', name: 'Þóra', industryGroups: ['FISHING'] }))
      expect(error.code).toBe('INVALID_FIELD')
      expect(error.userMessage).toContain('Industry groups belong to companies')
      expect(await snapshotCounts(core.database)).toEqual(before)
    })

    it('rejects a job responsibility on a company', async () => {
      const error = await domainError(createContact(core.deps, admin, { type: 'company', name: 'Hekla', jobResponsibilities: ['SALES'] }))
      expect(error.userMessage).toBe('Job responsibilities belong to persons, not companies.')
    })

    it('lists the known codes when a code is unknown', async () => {
      const error = await domainError(createContact(core.deps, admin, { type: 'company', name: 'Hekla', businessRelations: ['CUSTOMER'] }))
      expect(error.userMessage).toBe('There is no business relation CUSTOMER. Known: BANK, CONSULT, CUST, LAWYER, PARTNER, PRESS, PROSPECT, VEND.')
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla' })
      const onEdit = await domainError(updateContact(core.deps, admin, { no: 'CT000001', add: { industryGroups: ['FISH'] } }))
      expect(onEdit.userMessage).toContain('There is no industry group FISH. Known: ENERGY, FINANCE, FISHING,')
      expect((await getContactDetails(core.deps, 'CT000001')).classifications['industry-group']).toEqual([])
    })

    it('stores privacy blocked and exclude from segments', async () => {
      const { contact } = await createContact(core.deps, admin, { type: 'person', name: 'Þóra', privacyBlocked: true })
      expect(contact).toMatchObject({ privacyBlocked: true, excludeFromSegments: false })
      const updated = await updateContact(core.deps, admin, { no: contact.no, excludeFromSegments: true, privacyBlocked: false })
      expect(updated).toMatchObject({ privacyBlocked: false, excludeFromSegments: true })
      const row = await contactRows.get(core.database.db, contact.no)
      expect([row.privacy_blocked, row.exclude_from_segments]).toEqual([0, 1])
    })

    it('refuses bad field values and changes nothing', async () => {
      const before = await snapshotCounts(core.database)
      for (const [input, message] of [
        [{ email: 'thora@' }, '"thora@" is not an email address.'],
        [{ phone: 'call me' }, '"call me" is not a phone number'],
        [{ website: 'not a site' }, '"not a site" is not a website address.'],
        [{ countryCode: 'ISL' }, '"ISL" is not a two-letter ISO country code.'],
        [{ salespersonCode: 'NOPE' }, 'There is no salesperson NOPE.'],
      ] as const) {
        const error = await domainError(createContact(core.deps, admin, { type: 'person', name: 'Þóra', ...input }))
        expect(error.userMessage).toContain(message)
      }
      expect(await snapshotCounts(core.database)).toEqual(before)
    })
  })

  describe('search', () => {
    beforeEach(async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', city: 'Reykjavík', phone: '+354 555 1234', website: 'hekla.is' })
      await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001', email: 'Thora.G@Hekla.is', phone: '+354 555 9876', mobile: '+354 898 7654' })
      await createContact(core.deps, admin, { type: 'person', name: 'Ирина Соколова', city: 'Москва', phone: '+7 495 123-45-67' })
    })

    it('finds by email, whole or by local part or domain', async () => {
      expect(await find('thora.g@hekla.is')).toEqual(['Þóra Guðmundsdóttir'])
      expect(await find('THORA.G@HEKLA.IS')).toEqual(['Þóra Guðmundsdóttir'])
      expect(await find('hekla.is')).toEqual(['Hekla Útgerð ehf', 'Þóra Guðmundsdóttir'])
      // A domain as people write it after the at sign finds the same contacts.
      expect(await find('@hekla.is')).toEqual(['Hekla Útgerð ehf', 'Þóra Guðmundsdóttir'])
      expect(await find(' @Hekla.IS ')).toEqual(['Hekla Útgerð ehf', 'Þóra Guðmundsdóttir'])
      expect(await find('nobody@hekla.is')).toEqual([])
    })

    it('finds by phone digits, a local number finding an international one', async () => {
      expect(await find('555 1234')).toEqual(['Hekla Útgerð ehf'])
      expect(await find('5551234')).toEqual(['Hekla Útgerð ehf'])
      expect(await find('+354 555-1234')).toEqual(['Hekla Útgerð ehf'])
      expect(await find('898')).toEqual(['Þóra Guðmundsdóttir'])
      expect(await find('5559876')).toEqual(['Þóra Guðmundsdóttir'])
      expect(await find('123-45-67')).toEqual(['Ирина Соколова'])
      expect(await find('999 9999')).toEqual([])
    })

    it('finds by city and by number', async () => {
      expect(await find('reykjavik')).toEqual(['Hekla Útgerð ehf', 'Þóra Guðmundsdóttir'])
      expect(await find('москва')).toEqual(['Ирина Соколова'])
      expect(await find('ct000002')).toEqual(['Þóra Guðmundsdóttir'])
      expect(await find('CT000003')).toEqual(['Ирина Соколова'])
    })

    it('explains an empty query', async () => {
      const error = await domainError(searchContacts(core.deps, { query: '  ,; ' }))
      expect(error.code).toBe('EMPTY_QUERY')
    })
  })

  describe('sorting and paging', () => {
    const names = ['Örn Jónsson', 'Þór Jónsson', 'Ævar Jónsson', 'Tómas Jónsson', 'Ásta Jónsdóttir', 'Anna Jónsdóttir', 'Bjarni Jónsson', 'Ólafur Jónsson', 'Oddur Jónsson']
    const icelandicOrder = ['Anna Jónsdóttir', 'Ásta Jónsdóttir', 'Bjarni Jónsson', 'Oddur Jónsson', 'Ólafur Jónsson', 'Tómas Jónsson', 'Þór Jónsson', 'Ævar Jónsson', 'Örn Jónsson']
    beforeEach(async () => {
      for (const name of names) await createContact(core.deps, admin, { type: 'person', name, city: 'Akureyri' })
      await changeSetting(core.deps, admin, 'default-language', 'is')
    })

    it('sorts results in Icelandic order when the team language is Icelandic', async () => {
      expect(await find('akureyri', { limit: 50 })).toEqual(icelandicOrder)
    })

    it('pages through results in the same order, saying when there is more', async () => {
      const pages: string[] = []
      for (let offset = 0; offset < names.length; offset += 2) {
        const page = await searchContacts(core.deps, { query: 'akureyri', limit: 2, offset })
        expect(page.offset).toBe(offset)
        expect(page.hasMore, `offset ${offset}`).toBe(offset + 2 < names.length)
        pages.push(...page.contacts.map((c) => c.name))
      }
      expect(pages).toEqual(icelandicOrder)
      const past = await searchContacts(core.deps, { query: 'akureyri', limit: 5, offset: 20 })
      expect(past).toMatchObject({ contacts: [], hasMore: false })
    })

    it('caps the page size at 500 and at least 1', async () => {
      const one = await searchContacts(core.deps, { query: 'jonsson', limit: 0 })
      expect(one.contacts).toHaveLength(1)
      expect(one.hasMore).toBe(true)
    })
  })

  describe('broad searches (more matches than are sorted in memory)', () => {
    beforeEach(async () => {
      // 620 persons share the word "Breidd"; every one also has it in its email, so it has two matching tokens.
      for (let i = 0; i < 620; i++) {
        const n = String(i).padStart(3, '0')
        await createContact(core.deps, admin, { type: 'person', name: `Breidd Person${n}`, email: `breidd${n}@example.com`, city: i % 2 ? 'Vík' : 'Höfn' })
      }
    })

    it('pages in name order without gaps or repeats, each contact once', async () => {
      const seen: string[] = []
      for (let offset = 0; ; offset += 100) {
        const page = await searchContacts(core.deps, { query: 'breidd', limit: 100, offset })
        seen.push(...page.contacts.map((c) => c.name))
        if (!page.hasMore) break
      }
      expect(seen).toHaveLength(620)
      expect(new Set(seen).size).toBe(620)
      expect(seen[0]).toBe('Breidd Person000')
      expect(seen[619]).toBe('Breidd Person619')
      expect([...seen].sort()).toEqual(seen)
    })

    it('combines a broad word with a narrow one, and follows a rename', async () => {
      expect(await find('breidd person61', { limit: 50 })).toEqual(Array.from({ length: 10 }, (_, i) => `Breidd Person61${i}`))
      expect((await searchContacts(core.deps, { query: 'breidd vík', limit: 500 })).contacts).toHaveLength(310)
      await updateContact(core.deps, admin, { no: 'CT000001', name: 'Aaa Breidd' })
      expect(await find('breidd', { limit: 2 })).toEqual(['Aaa Breidd', 'Breidd Person001'])
    })
  })
})
