import { contacts as contactRows } from '@crm/db'
import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  addSalesperson,
  changeNumberSeries,
  changeSetting,
  createContact,
  editSalesperson,
  eraseContact,
  exportContactData,
  getContactDetails,
  getContactHistory,
  getSetup,
  listNumberSeries,
  listSalespeople,
  searchContacts,
  updateContact,
} from '../src/index.ts'
import { admin, countRows, domainError, snapshotCounts, useCore } from './builders.ts'

describeEachDialect('privacy and setup', (dialect) => {
  const core = useCore(dialect)
  const find = async (query: string) => (await searchContacts(core.deps, { query, limit: 50 })).contacts.map((c) => c.no)

  describe('export and erasure', () => {
    beforeEach(async () => {
      await addSalesperson(core.deps, admin, { code: 'JD', name: 'Jane Doe' })
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', city: 'Reykjavík', countryCode: 'IS', salespersonCode: 'JD', industryGroups: ['FISHING'] })
      await createContact(core.deps, admin, {
        type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001', email: 'thora@hekla.is', email2: 'thora@gmail.com', mobile: '+354 898 7654',
        jobTitle: 'Purchasing manager', businessRelations: ['PROSPECT'], mailingGroups: ['NEWSLETTER'], jobResponsibilities: ['PURCHASE'], profile: { budget: 'over 1M' },
      })
      await updateContact(core.deps, admin, { no: 'CT000002', jobTitle: 'Managing director' })
    })

    it('exports all data of a contact as JSON', async () => {
      const data = await exportContactData(core.deps, 'ct000002')
      expect(JSON.parse(JSON.stringify(data))).toEqual(data)
      expect(data.exportedAt).toBe('2026-11-20T10:00:00.000Z')
      expect(data.contact.contact).toMatchObject({ no: 'CT000002', name: 'Þóra Guðmundsdóttir', email: 'thora@hekla.is', email2: 'thora@gmail.com', mobile: '+354 898 7654', jobTitle: 'Managing director', companyName: 'Hekla Útgerð ehf', city: 'Reykjavík' })
      expect(data.contact.salespersonName).toBe('Jane Doe')
      expect(data.contact.classifications).toEqual({ 'business-relation': ['PROSPECT'], 'industry-group': [], 'mailing-group': ['NEWSLETTER'], 'job-responsibility': ['PURCHASE'] })
      expect(data.contact.profile).toEqual([{ question: 'budget', answer: 'over 1M' }])
      expect(data.history.map((h) => [h.action, h.details])).toEqual([
        ['create', null],
        ['update', { fields: ['jobTitle'] }],
      ])
    })

    it('refuses to erase without the number repeated, and changes nothing', async () => {
      const before = await snapshotCounts(core.database)
      const row = await contactRows.get(core.database.db, 'CT000002')
      for (const confirm of [undefined, '', 'CT000001', 'yes']) {
        const error = await domainError(eraseContact(core.deps, admin, 'CT000002', confirm))
        expect(error.code).toBe('CONFIRMATION_REQUIRED')
        expect(error.userMessage).toContain('contact erase CT000002 --confirm CT000002')
      }
      expect(await snapshotCounts(core.database)).toEqual(before)
      expect(await contactRows.get(core.database.db, 'CT000002')).toEqual(row)
    })

    it('erases personal data, keeps number and type, blocks the contact and redacts its history', async () => {
      expect(await eraseContact(core.deps, admin, 'CT000002', ' ct000002 ')).toEqual({ no: 'CT000002' })
      const row = await contactRows.get(core.database.db, 'CT000002')
      expect(row).toMatchObject({
        no: 'CT000002', type: 'person', name: 'Erased contact CT000002', first_name: null, surname: null, initials: null, job_title: null,
        email: null, email2: null, email_norm: null, mobile: null, mobile_digits: null, phone: null, address: null, city: null,
        post_code: null, privacy_blocked: 1, exclude_from_segments: 1, erased_at: '2026-11-20T10:00:00.000Z', country_code: 'IS', salesperson_code: 'JD',
      })
      const details = await getContactDetails(core.deps, 'CT000002')
      expect(details.classifications).toEqual({ 'business-relation': [], 'industry-group': [], 'mailing-group': [], 'job-responsibility': [] })
      expect(details.profile).toEqual([])
      expect(await countRows(core.database, 'contact_search_tokens')).toBe(await searchTokenCount('CT000001'))
      expect(await searchTokenCount('CT000002')).toBe(0)
      for (const query of ['thora', 'gudmundsdottir', 'thora@hekla.is', '8987654', 'ct000002', 'erased']) expect(await find(query), query).toEqual([])
      expect(await find('hekla')).toEqual(['CT000001'])
      expect((await getContactDetails(core.deps, 'CT000001')).persons).toEqual([])
      const history = await getContactHistory(core.deps, 'CT000002')
      expect(history.map((h) => [h.action, h.details])).toEqual([
        ['create', { redacted: true }],
        ['update', { redacted: true }],
        ['erase', null],
      ])
      expect(JSON.stringify(await exportContactData(core.deps, 'CT000002'))).not.toMatch(/Þóra|thora|Guðmunds|898/i)
    })

    it('refuses further changes to an erased contact', async () => {
      await eraseContact(core.deps, admin, 'CT000002', 'CT000002')
      const edit = await domainError(updateContact(core.deps, admin, { no: 'CT000002', name: 'Þóra' }))
      expect(edit.code).toBe('CONTACT_ERASED')
      const again = await domainError(eraseContact(core.deps, admin, 'CT000002', 'CT000002'))
      expect(again.userMessage).toBe('CT000002 was erased on request and can no longer be used.')
    })

    it('refuses to erase a company that still has persons', async () => {
      const before = await snapshotCounts(core.database)
      const error = await domainError(eraseContact(core.deps, admin, 'CT000001', 'CT000001'))
      expect(error.code).toBe('COMPANY_HAS_PERSONS')
      expect(error.userMessage).toBe('CT000001 still has 1 person(s) (CT000002); erase or unlink them first.')
      expect(await snapshotCounts(core.database)).toEqual(before)
      expect((await getContactDetails(core.deps, 'CT000001')).contact.name).toBe('Hekla Útgerð ehf')
      await eraseContact(core.deps, admin, 'CT000002', 'CT000002')
      await eraseContact(core.deps, admin, 'CT000001', 'CT000001')
      expect((await getContactDetails(core.deps, 'CT000001')).contact).toMatchObject({ type: 'company', name: 'Erased contact CT000001', city: null, privacyBlocked: true })
      expect(await countRows(core.database, 'contact_search_tokens')).toBe(0)
    })

    async function searchTokenCount(no: string): Promise<number> {
      const rows = await core.database.db.selectFrom('contact_search_tokens').select('token').where('contact_no', '=', no).execute()
      return rows.length
    }
  })

  describe('number series', () => {
    it('gives concurrent creators distinct numbers without gaps', async () => {
      const created = await Promise.all(
        Array.from({ length: 25 }, (_, i) => createContact(core.deps, admin, { type: 'person', name: `Person ${i + 1}` })),
      )
      const numbers = created.map((r) => r.contact.no).sort()
      expect(numbers).toEqual(Array.from({ length: 25 }, (_, i) => `CT${String(i + 1).padStart(6, '0')}`))
      expect(await countRows(core.database, 'contacts')).toBe(25)
      expect((await listNumberSeries(core.deps)).find((s) => s.code === 'CONTACT')!.nextNumber).toBe('CT000026')
    })

    it('gives the number of a failed create back', async () => {
      await createContact(core.deps, admin, { type: 'person', name: 'Anna' })
      await domainError(createContact(core.deps, admin, { type: 'person', name: 'Bad', email: 'nope' }))
      await domainError(createContact(core.deps, admin, { type: 'person', name: 'Bad', companyNo: 'CT000001' }))
      expect((await createContact(core.deps, admin, { type: 'person', name: 'Björn' })).contact.no).toBe('CT000002')
    })

    it('lets the counter move forward but never back while the prefix stays', async () => {
      for (const name of ['A', 'B', 'C']) await createContact(core.deps, admin, { type: 'person', name })
      const back = await domainError(changeNumberSeries(core.deps, admin, 'contact', { nextNo: 2 }))
      expect(back.userMessage).toBe('CONTACT has already given numbers up to CT000003; the next number cannot go back to 2 with the same prefix.')
      expect((await changeNumberSeries(core.deps, admin, 'CONTACT', { nextNo: 100 })).nextNumber).toBe('CT000100')
      expect((await createContact(core.deps, admin, { type: 'person', name: 'D' })).contact.no).toBe('CT000100')
    })

    it('starts a new range with a new prefix and a chosen width', async () => {
      await createContact(core.deps, admin, { type: 'person', name: 'A' })
      const series = await changeNumberSeries(core.deps, admin, 'CONTACT', { prefix: 'kt', nextNo: 1, width: 4 })
      expect(series).toMatchObject({ prefix: 'KT', width: 4, nextNo: 1, nextNumber: 'KT0001' })
      expect((await createContact(core.deps, admin, { type: 'person', name: 'B' })).contact.no).toBe('KT0001')
      expect((await getContactHistory(core.deps, 'KT0001')).map((h) => h.action)).toEqual(['create'])
    })

    it('refuses to go back to a used prefix at a number that already exists', async () => {
      await createContact(core.deps, admin, { type: 'person', name: 'A' })
      await createContact(core.deps, admin, { type: 'person', name: 'B' })
      await changeNumberSeries(core.deps, admin, 'CONTACT', { prefix: 'KT', nextNo: 1 })
      const back = await domainError(changeNumberSeries(core.deps, admin, 'CONTACT', { prefix: 'CT', nextNo: 1 }))
      expect(back.userMessage).toBe('CT000002 already exists; with prefix CT the next number must be at least 3. Example: setup series CONTACT --prefix CT --next 3')
      await changeNumberSeries(core.deps, admin, 'CONTACT', { prefix: 'CT', nextNo: 3 })
      expect((await createContact(core.deps, admin, { type: 'person', name: 'C' })).contact.no).toBe('CT000003')
    })

    it('explains bad series changes and keeps the series as it was', async () => {
      const before = await listNumberSeries(core.deps)
      const cases: Array<[string, Parameters<typeof changeNumberSeries>[3], string]> = [
        ['CONTACT', { width: 0 }, 'The width is the number of digits, 1 to 12, not 0.'],
        ['CONTACT', { width: 13 }, 'The width is the number of digits, 1 to 12, not 13.'],
        ['CONTACT', { width: 3, nextNo: 1000 }, '1000 does not fit in 3 digits.'],
        ['CONTACT', { prefix: 'C T' }, '"C T" is not a prefix'],
        ['CONTACT', { nextNo: 0 }, 'The next number is a whole number from 1, not 0.'],
        ['CONTACT', {}, 'Give --prefix, --width or --next.'],
        ['CUSTOMER', { nextNo: 5 }, 'There is no number series CUSTOMER. Series: CAMPAIGN, CONTACT, INTERACTION, OPPORTUNITY, SEGMENT, TASK.'],
      ]
      for (const [code, patch, message] of cases) {
        const error = await domainError(changeNumberSeries(core.deps, admin, code, patch))
        expect(error.userMessage, JSON.stringify(patch)).toContain(message)
      }
      expect(await listNumberSeries(core.deps)).toEqual(before)
      expect(await countRows(core.database, 'change_log')).toBe(0)
    })
  })

  describe('settings', () => {
    it('names the known settings when one is unknown', async () => {
      const error = await domainError(changeSetting(core.deps, admin, 'default-currency', 'ISK'))
      expect(error.userMessage).toContain('Unknown setting "default-currency". Settings: default-country, default-language, default-salesperson, duplicate-search, duplicate-threshold,')
      expect(error.userMessage).toContain('Example: setup set default-country IS')
    })

    it('refuses bad values and changes nothing', async () => {
      const before = await getSetup(core.deps)
      const cases: Array<[string, string, string]> = [
        ['duplicate-search', 'maybe', 'duplicate-search is on or off, not "maybe".'],
        ['inherit-address', '', 'inherit-address is on or off, not "".'],
        ['duplicate-threshold', '0', 'duplicate-threshold is a whole number from 1 to 100, not "0".'],
        ['duplicate-threshold', '101', 'not "101"'],
        ['duplicate-threshold', '55.5', 'not "55.5"'],
        ['duplicate-threshold', 'high', 'not "high"'],
        ['default-country', 'Iceland', '"Iceland" is not a two-letter ISO country code.'],
        ['default-language', 'íslenska', '"íslenska" is not a language code.'],
        ['default-salesperson', 'nope', 'There is no salesperson NOPE.'],
        ['customer-relation', 'KUNDE', 'There is no business relation KUNDE.'],
      ]
      for (const [name, value, message] of cases) {
        const error = await domainError(changeSetting(core.deps, admin, name, value))
        expect(error.userMessage, `${name} ${value}`).toContain(message)
      }
      expect(await getSetup(core.deps)).toEqual(before)
      expect(await countRows(core.database, 'change_log')).toBe(0)
    })

    it('stores valid values, normalized, and clears optional ones', async () => {
      await addSalesperson(core.deps, admin, { code: 'JD', name: 'Jane Doe' })
      expect(await changeSetting(core.deps, admin, 'Duplicate-Threshold', ' 75 ')).toMatchObject({ duplicateThreshold: 75 })
      expect(await changeSetting(core.deps, admin, 'duplicate-search', 'OFF')).toMatchObject({ duplicateSearch: false })
      expect(await changeSetting(core.deps, admin, 'default-country', 'is')).toMatchObject({ defaultCountryCode: 'IS' })
      expect(await changeSetting(core.deps, admin, 'default-salesperson', 'jd')).toMatchObject({ defaultSalespersonCode: 'JD' })
      const { contact } = await createContact(core.deps, admin, { type: 'company', name: 'Hekla' })
      expect(contact).toMatchObject({ countryCode: 'IS', salespersonCode: 'JD' })
      expect(await changeSetting(core.deps, admin, 'default-country', '')).toMatchObject({ defaultCountryCode: null })
      expect(await countRows(core.database, 'change_log')).toBe(7)
    })

    it('stops persons inheriting the company salesperson when inheritance is off', async () => {
      await addSalesperson(core.deps, admin, { code: 'JD', name: 'Jane Doe' })
      await createContact(core.deps, admin, { type: 'company', name: 'Hekla', salespersonCode: 'JD', phone: '555 1234', city: 'Reykjavík' })
      await changeSetting(core.deps, admin, 'inherit-salesperson', 'off')
      await changeSetting(core.deps, admin, 'inherit-address', 'no')
      const { contact } = await createContact(core.deps, admin, { type: 'person', name: 'Þóra', companyNo: 'CT000001' })
      expect(contact).toMatchObject({ salespersonCode: null, phone: '555 1234', city: null, inheritsCompanyAddress: false })
    })
  })

  describe('salespeople', () => {
    it('adds and edits salespeople with upper-cased codes', async () => {
      const added = await addSalesperson(core.deps, admin, { code: 'jd', name: '  Jane   Doe ', email: 'Jane@Example.com', slackUserId: 'U024BE7LH' })
      expect(added).toEqual({ code: 'JD', name: 'Jane Doe', email: 'Jane@Example.com', phone: null, jobTitle: null, slackUserId: 'U024BE7LH' })
      const edited = await editSalesperson(core.deps, admin, { code: 'JD', name: 'Jane Smith', jobTitle: 'Sales', email: null })
      expect(edited).toMatchObject({ name: 'Jane Smith', jobTitle: 'Sales', email: null, slackUserId: 'U024BE7LH' })
      expect((await listSalespeople(core.deps)).map((s) => s.code)).toEqual(['JD'])
    })

    it('refuses a duplicate code, a bad email, a bad Slack id and a reused Slack id, changing nothing', async () => {
      await addSalesperson(core.deps, admin, { code: 'JD', name: 'Jane Doe', slackUserId: 'U024BE7LH' })
      await addSalesperson(core.deps, admin, { code: 'AB', name: 'Anna Björk' })
      const before = await snapshotCounts(core.database)
      const duplicate = await domainError(addSalesperson(core.deps, admin, { code: 'jd', name: 'John Dee' }))
      expect(duplicate.code).toBe('DUPLICATE_CODE')
      expect(duplicate.userMessage).toBe('Salesperson JD already exists; use "salesperson edit JD" to change it.')
      expect((await domainError(addSalesperson(core.deps, admin, { code: 'XY', name: 'X', email: 'x@y' }))).userMessage).toContain('"x@y" is not an email address.')
      expect((await domainError(editSalesperson(core.deps, admin, { code: 'AB', email: 'anna at example.com' }))).userMessage).toContain('is not an email address')
      expect((await domainError(addSalesperson(core.deps, admin, { code: 'XY', name: 'X', slackUserId: 'jane' }))).userMessage).toContain('"jane" is not a Slack user id')
      expect((await domainError(addSalesperson(core.deps, admin, { code: 'XY', name: 'X', slackUserId: 'U024BE7LH' }))).userMessage).toBe('Slack user U024BE7LH is already linked to another salesperson.')
      expect((await domainError(editSalesperson(core.deps, admin, { code: 'AB', slackUserId: 'U024BE7LH' }))).userMessage).toBe('Slack user U024BE7LH is already linked to JD.')
      expect((await domainError(addSalesperson(core.deps, admin, { code: 'X Y', name: 'X' }))).userMessage).toContain('"X Y" is not a salesperson code')
      expect((await domainError(addSalesperson(core.deps, admin, { code: 'XY', name: '  ' }))).userMessage).toContain('A salesperson needs a name.')
      expect((await domainError(editSalesperson(core.deps, admin, { code: 'ZZ', name: 'Z' }))).userMessage).toBe('There is no salesperson ZZ. See: salesperson list')
      expect((await domainError(editSalesperson(core.deps, admin, { code: 'AB' }))).userMessage).toContain('Nothing to change')
      expect(await snapshotCounts(core.database)).toEqual(before)
      expect(await editSalesperson(core.deps, admin, { code: 'JD', slackUserId: 'U024BE7LH' })).toMatchObject({ slackUserId: 'U024BE7LH' })
    })
  })
})
