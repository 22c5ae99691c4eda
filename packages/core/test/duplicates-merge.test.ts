import { contacts as contactRows } from '@crm/db'
import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  changeSetting,
  checkNewContact,
  createContact,
  findContactDuplicates,
  getContactDetails,
  getContactHistory,
  markNotDuplicates,
  mergeContacts,
  runCommand,
  searchContacts,
} from '../src/index.ts'
import { admin, countRows, domainError, snapshotCounts, useCore } from './builders.ts'

describeEachDialect('duplicates and merge', (dialect) => {
  const core = useCore(dialect)
  const find = async (query: string) => (await searchContacts(core.deps, { query, limit: 50 })).contacts.map((c) => `${c.no} ${c.name}`)

  describe('acceptance scenario 2', () => {
    beforeEach(async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'https://www.hekla.is', address: 'Grandagarður 1', city: 'Reykjavík', phone: '+354 555 1234' })
      await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001', email: 'thora@hekla.is' })
    })

    it('checks a new contact for duplicates before saving and stores nothing, not even a number', async () => {
      const before = await snapshotCounts(core.database)
      const checked = await checkNewContact(core.deps, admin, { type: 'company', name: 'Hekla Utgerd EHF', website: 'hekla.is' })
      expect(checked.duplicates.map((d) => d.contact.no)).toEqual(['CT000001'])
      expect(await snapshotCounts(core.database)).toEqual(before)
      const view = await runCommand(core.ctx, 'contact add company "Hekla Utgerd EHF" --website hekla.is --check')
      expect(view).toMatchObject({ kind: 'duplicates', title: '1 possible duplicate(s) of the new contact Hekla Utgerd EHF; nothing was saved.' })
      await expect(checkNewContact(core.deps, admin, { type: 'company', name: 'Katla', email: 'nope' })).rejects.toMatchObject({ code: 'INVALID_FIELD', field: 'email' })
      expect((await createContact(core.deps, admin, { type: 'company', name: 'Katla ehf' })).contact.no).toBe('CT000003')
    })

    it('warns about "Hekla Utgerd EHF" with the same website domain, with a score and reasons', async () => {
      const { contact, duplicates } = await createContact(core.deps, admin, { type: 'company', name: 'Hekla Utgerd EHF', website: 'hekla.is/um-okkur' })
      expect(contact.no).toBe('CT000003')
      expect(duplicates).toHaveLength(1)
      const [hit] = duplicates
      expect(hit!.contact.no).toBe('CT000001')
      expect(hit!.score).toBeGreaterThanOrEqual(60)
      expect(hit!.score).toBe(100)
      expect(hit!.reasons).toEqual(['same name', 'same website domain'])
      const onDemand = await findContactDuplicates(core.deps, 'ct000001')
      expect(onDemand.threshold).toBe(60)
      expect(onDemand.duplicates.map((d) => [d.contact.no, d.score])).toEqual([['CT000003', 100]])
    })

    it('moves Þóra to the survivor when the first company is merged into the new one', async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Utgerd EHF', website: 'hekla.is' })
      const result = await mergeContacts(core.deps, admin, 'CT000001', 'CT000003')
      expect(result).toMatchObject({ mergedNo: 'CT000001', movedPersons: 1 })
      expect(result.survivor).toMatchObject({ no: 'CT000003', name: 'Hekla Utgerd EHF', website: 'hekla.is', address: 'Grandagarður 1', city: 'Reykjavík', phone: '+354 555 1234' })
      const thora = (await getContactDetails(core.deps, 'CT000002')).contact
      expect(thora).toMatchObject({ companyNo: 'CT000003', companyName: 'Hekla Utgerd EHF' })
      expect((await getContactDetails(core.deps, 'CT000003')).persons.map((p) => p.no)).toEqual(['CT000002'])
      expect(await contactRows.find(core.database.db, 'CT000001')).toBeUndefined()
      expect(await find('hekla')).toEqual(['CT000003 Hekla Utgerd EHF', 'CT000002 Þóra Guðmundsdóttir'])
      expect(await find('reykjavik')).toContain('CT000003 Hekla Utgerd EHF')
    })
  })

  describe('scoring', () => {
    it('ignores legal forms (ehf, GmbH, Ltd, ООО) when comparing names', async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Norðurljós GmbH' })
      await createContact(core.deps, admin, { type: 'company', name: 'ООО «Ромашка»' })
      await createContact(core.deps, admin, { type: 'company', name: 'Sæfari ehf.' })
      const ltd = await createContact(core.deps, admin, { type: 'company', name: 'Nordurljos Ltd' })
      expect(ltd.duplicates.map((d) => [d.contact.no, d.score, d.reasons])).toEqual([['CT000001', 60, ['same name']]])
      const romashka = await createContact(core.deps, admin, { type: 'company', name: 'Ромашка' })
      expect(romashka.duplicates.map((d) => d.contact.no)).toEqual(['CT000002'])
      const saefari = await createContact(core.deps, admin, { type: 'company', name: 'SÆFARI hf' })
      expect(saefari.duplicates.map((d) => d.contact.no)).toEqual(['CT000003'])
      const other = await createContact(core.deps, admin, { type: 'company', name: 'Sunnanvindur GmbH' })
      expect(other.duplicates).toEqual([])
    })

    it('treats a person with the same email as a duplicate, but not a company', async () => {
      await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', email: 'thora@hekla.is' })
      const company = await createContact(core.deps, admin, { type: 'company', name: 'Hekla', email: 'thora@hekla.is' })
      expect(company.duplicates).toEqual([])
      const person = await createContact(core.deps, admin, { type: 'person', name: 'Anna Jónsdóttir', email2: 'THORA@hekla.is ' })
      expect(person.duplicates).toHaveLength(1)
      expect(person.duplicates[0]).toMatchObject({ contact: { no: 'CT000001' }, score: 60, reasons: ['same email'] })
    })

    it('counts a shared phone with a similar name', async () => {
      await createContact(core.deps, admin, { type: 'person', name: 'Jón Jónsson', mobile: '+354 898 1234' })
      const { duplicates } = await createContact(core.deps, admin, { type: 'person', name: 'Jon Jonson', phone: '898-1234' })
      expect(duplicates).toHaveLength(1)
      expect(duplicates[0]!.reasons).toContain('same mobile')
      expect(duplicates[0]!.reasons.some((r) => r.startsWith('similar name'))).toBe(true)
      expect(duplicates[0]!.score).toBeGreaterThanOrEqual(60)
    })

    it('finds a company or a mobile by its last seven digits alone, written any way; a shared office phone between persons is only a hint', async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', phone: '+354 555 1234' })
      const brim = await createContact(core.deps, admin, { type: 'company', name: 'Brim hf', phone: '555-1234' })
      expect(brim.duplicates.map((d) => [d.contact.no, d.score, d.reasons])).toEqual([['CT000001', 60, ['same phone']]])

      await createContact(core.deps, admin, { type: 'person', name: 'Иван Петров', mobile: '+7 916 123-45-67' })
      const vanya = await createContact(core.deps, admin, { type: 'person', name: 'Ваня П.', phone: '8 (916) 123 45 67' })
      expect(vanya.duplicates.map((d) => [d.contact.no, d.score, d.reasons])).toEqual([['CT000003', 60, ['same mobile']]])

      // Two persons on one switchboard number are colleagues, not one person.
      await createContact(core.deps, admin, { type: 'person', name: 'Anna Jónsdóttir', phone: '+354 411 2000' })
      const colleague = await createContact(core.deps, admin, { type: 'person', name: 'Gunnar Sigurðsson', phone: '4112000' })
      expect(colleague.duplicates).toEqual([])
      expect((await findContactDuplicates(core.deps, colleague.contact.no, 40)).duplicates.map((d) => [d.contact.no, d.score, d.reasons])).toEqual([['CT000005', 40, ['same phone']]])
    })

    it('hides a pair marked "not duplicates", in both directions', async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is' })
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Utgerd EHF', website: 'hekla.is' })
      await markNotDuplicates(core.deps, admin, 'ct000002', 'CT000001')
      expect((await findContactDuplicates(core.deps, 'CT000001')).duplicates).toEqual([])
      expect((await findContactDuplicates(core.deps, 'CT000002')).duplicates).toEqual([])
      const third = await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð hf', website: 'hekla.is' })
      expect(third.duplicates.map((d) => d.contact.no)).toEqual(['CT000001', 'CT000002'])
      expect((await getContactHistory(core.deps, 'CT000002')).map((h) => h.action)).toEqual(['create', 'not-duplicate'])
      const same = await domainError(markNotDuplicates(core.deps, admin, 'CT000001', 'ct000001'))
      expect(same.userMessage).toBe('Give two different contacts.')
    })

    it('gives no warning on create when duplicate search is off, but still finds them on demand', async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is' })
      await changeSetting(core.deps, admin, 'duplicate-search', 'off')
      const { duplicates } = await createContact(core.deps, admin, { type: 'company', name: 'Hekla Utgerd EHF', website: 'hekla.is' })
      expect(duplicates).toEqual([])
      expect((await findContactDuplicates(core.deps, 'CT000002')).duplicates.map((d) => d.contact.no)).toEqual(['CT000001'])
    })

    it('follows the threshold in setup', async () => {
      await createContact(core.deps, admin, { type: 'company', name: 'Norðurljós GmbH' })
      await changeSetting(core.deps, admin, 'duplicate-threshold', '61')
      expect((await createContact(core.deps, admin, { type: 'company', name: 'Nordurljos Ltd' })).duplicates).toEqual([])
      expect((await findContactDuplicates(core.deps, 'CT000002', 40)).duplicates.map((d) => d.score)).toEqual([60])
    })
  })

  describe('merge', () => {
    beforeEach(async () => {
      await createContact(core.deps, admin, {
        type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is', businessRelations: ['CUST'], industryGroups: ['FISHING'],
        profile: { budget: 'over 1M' },
      })
      await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001' })
      await createContact(core.deps, admin, {
        type: 'company', name: 'Eldfell Seafood Ltd', address: 'Strandvegur 2', city: 'Vestmannaeyjar', phone: '+354 481 1000',
        email: 'info@eldfell.is', businessRelations: ['PROSPECT', 'CUST'], mailingGroups: ['NEWSLETTER'], profile: { budget: 'small', size: '50' },
      })
      await createContact(core.deps, admin, { type: 'person', name: 'Jón Jónsson', companyNo: 'CT000003', jobResponsibilities: ['PURCHASE'] })
    })

    it('moves persons, classifications and profile answers, fills blanks and deletes the merged contact', async () => {
      const result = await mergeContacts(core.deps, admin, 'CT000003', 'CT000001')
      expect(result).toMatchObject({ mergedNo: 'CT000003', movedPersons: 1 })
      const survivor = await getContactDetails(core.deps, 'CT000001')
      expect(survivor.contact).toMatchObject({
        name: 'Hekla Útgerð ehf', website: 'hekla.is', address: 'Strandvegur 2', city: 'Vestmannaeyjar', phone: '+354 481 1000', email: 'info@eldfell.is',
      })
      expect(survivor.classifications).toEqual({ 'business-relation': ['CUST', 'PROSPECT'], 'industry-group': ['FISHING'], 'mailing-group': ['NEWSLETTER'], 'job-responsibility': [] })
      expect(survivor.profile).toEqual([{ question: 'budget', answer: 'over 1M' }, { question: 'size', answer: '50' }])
      expect(survivor.persons.map((p) => p.no)).toEqual(['CT000004', 'CT000002'])
      expect((await getContactDetails(core.deps, 'CT000004')).contact).toMatchObject({ companyNo: 'CT000001', companyName: 'Hekla Útgerð ehf' })
      expect((await getContactDetails(core.deps, 'CT000004')).classifications['job-responsibility']).toEqual(['PURCHASE'])
      expect(await contactRows.find(core.database.db, 'CT000003')).toBeUndefined()
      await expect(getContactDetails(core.deps, 'CT000003')).rejects.toThrow('There is no contact CT000003')
      expect(await countRows(core.database, 'contacts')).toBe(3)
    })

    it('leaves a trace with the merged data in the survivor history', async () => {
      await mergeContacts(core.deps, admin, 'CT000003', 'CT000001')
      const history = await getContactHistory(core.deps, 'CT000001')
      expect(history.map((h) => h.action)).toEqual(['create', 'merge'])
      const merge = history[1]!
      expect(merge).toMatchObject({ at: '2026-11-20T10:00:00.000Z', actor: 'test' })
      expect(merge.details).toMatchObject({ merged: { no: 'CT000003', name: 'Eldfell Seafood Ltd' }, movedPersons: 1, classifications: { 'business-relation': ['CUST', 'PROSPECT'] } })
      expect((await getContactHistory(core.deps, 'CT000003')).map((h) => [h.action, h.details])).toEqual([
        ['create', null],
        ['merged-into', { survivor: 'CT000001' }],
      ])
    })

    it('re-indexes moved persons under the survivor name, not the merged one', async () => {
      await mergeContacts(core.deps, admin, 'CT000003', 'CT000001')
      expect(await find('hekla')).toEqual(['CT000001 Hekla Útgerð ehf', 'CT000004 Jón Jónsson', 'CT000002 Þóra Guðmundsdóttir'])
      expect(await find('hekla jon')).toEqual(['CT000004 Jón Jónsson'])
      expect(await find('eldfell seafood')).toEqual([])
      expect(await find('ct000003')).toEqual([])
    })

    it('gives persons that follow their company address the survivor address', async () => {
      await mergeContacts(core.deps, admin, 'CT000003', 'CT000001')
      expect((await getContactDetails(core.deps, 'CT000002')).contact).toMatchObject({ address: 'Strandvegur 2', city: 'Vestmannaeyjar', inheritsCompanyAddress: true })
      expect(await find('vestmannaeyjar')).toEqual(['CT000001 Hekla Útgerð ehf', 'CT000004 Jón Jónsson', 'CT000002 Þóra Guðmundsdóttir'])
    })

    it('refuses to merge a person into a company and changes nothing', async () => {
      const before = await snapshotCounts(core.database)
      const error = await domainError(mergeContacts(core.deps, admin, 'CT000002', 'CT000003'))
      expect(error.code).toBe('TYPE_MISMATCH')
      expect(error.userMessage).toBe('CT000002 is a person and CT000003 is a company; only contacts of the same type can be merged.')
      expect(await snapshotCounts(core.database)).toEqual(before)
      expect((await getContactDetails(core.deps, 'CT000002')).contact.companyNo).toBe('CT000001')
    })

    it('refuses to merge a contact into itself and changes nothing', async () => {
      const before = await snapshotCounts(core.database)
      const error = await domainError(mergeContacts(core.deps, admin, 'ct000001', 'CT000001'))
      expect(error.code).toBe('SAME_CONTACT')
      expect(error.userMessage).toBe('Cannot merge CT000001 into itself; give two different contacts.')
      const missing = await domainError(mergeContacts(core.deps, admin, 'CT000003', 'CT000099'))
      expect(missing.userMessage).toBe('There is no survivor CT000099. Find the number with: contact find <name>')
      expect(await snapshotCounts(core.database)).toEqual(before)
    })
  })
})
