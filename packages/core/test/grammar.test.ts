import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  addSalesperson,
  coreCommands,
  parseCommandLine,
  renderText,
  runCommand,
  tokenize,
  type Actor,
  type CommandContext,
  type ResultView,
} from '../src/index.ts'
import { admin, countRows, domainError, snapshotCounts, useCore } from './builders.ts'

describe('tokenizer', () => {
  it('splits on spaces and groups straight, curly, guillemet and German quotes', () => {
    expect(tokenize('contact add company "Hekla Útgerð ehf"  --city Reykjavík')).toEqual(['contact', 'add', 'company', 'Hekla Útgerð ehf', '--city', 'Reykjavík'])
    expect(tokenize('contact add company “Hekla Útgerð ehf”')).toEqual(['contact', 'add', 'company', 'Hekla Útgerð ehf'])
    expect(tokenize('contact add company «ООО Ромашка» --city Москва')).toEqual(['contact', 'add', 'company', 'ООО Ромашка', '--city', 'Москва'])
    expect(tokenize('contact add company „Norðurljós GmbH“')).toEqual(['contact', 'add', 'company', 'Norðurljós GmbH'])
    expect(tokenize("contact add person 'Þóra Guðmundsdóttir'")).toEqual(['contact', 'add', 'person', 'Þóra Guðmundsdóttir'])
    expect(tokenize('contact add person ‘Þóra’')).toEqual(['contact', 'add', 'person', 'Þóra'])
    expect(tokenize('contact edit CT000002 --phone ""')).toEqual(['contact', 'edit', 'CT000002', '--phone', ''])
    expect(tokenize('--name="Hekla hf" --city=“Vík í Mýrdal”')).toEqual(['--name=Hekla hf', '--city=Vík í Mýrdal'])
  })

  it('keeps an apostrophe inside a word and honours escapes', () => {
    expect(tokenize("contact add person Seán O'Brien")).toEqual(['contact', 'add', 'person', 'Seán', "O'Brien"])
    expect(tokenize('contact add person Seán O’Brien')).toEqual(['contact', 'add', 'person', 'Seán', 'O’Brien'])
    expect(tokenize('--job-title "the \\"boss\\""')).toEqual(['--job-title', 'the "boss"'])
    expect(tokenize('Hekla\\ Útgerð')).toEqual(['Hekla Útgerð'])
    expect(tokenize("\\'quoted\\'")).toEqual(["'quoted'"])
    expect(tokenize('   ')).toEqual([])
  })

  it('says where an unterminated quote starts', () => {
    let error: unknown
    try {
      tokenize('contact add company "Hekla Útgerð ehf --city Reykjavík')
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'UNTERMINATED_QUOTE', userMessage: 'A quote is not closed: "Hekla Útgerð ehf --…. Close it, e.g. "Hekla Útgerð ehf".' })
    expect(() => tokenize('contact add company «Hekla')).toThrow('A quote is not closed: «Hekla.')
  })
})

describe('parsing', () => {
  const parseError = (line: string) => {
    try {
      parseCommandLine(coreCommands, line)
    } catch (error) {
      return error as { code: string; userMessage: string; field?: string }
    }
    throw new Error(`"${line}" parsed without error`)
  }

  it('suggests the closest command for a typo', () => {
    expect(parseError('contatc add company Hekla')).toMatchObject({
      code: 'UNKNOWN_COMMAND',
      userMessage: 'Unknown command "contatc". Did you mean "contact"? Commands: contact, log, interactions, interaction, opp, segment, campaign, setup, salesperson. Try: help',
    })
    expect(parseError('contact ad company Hekla').userMessage).toContain('Unknown contact command "ad". Did you mean "contact add"?')
    expect(parseError('salesperosn list').userMessage).toContain('Did you mean "salesperson"?')
    expect(parseError('frobnicate').userMessage).toBe('Unknown command "frobnicate". Commands: contact, log, interactions, interaction, opp, segment, campaign, setup, salesperson. Try: help')
    expect(parseError('setup code').userMessage).toContain('Unknown setup command')
  })

  it('names an unknown option and lists the allowed ones', () => {
    const error = parseError('contact find hekla --limt 5')
    expect(error).toMatchObject({ code: 'UNKNOWN_OPTION', field: 'limt' })
    expect(error.userMessage).toBe('Unknown option --limt for "contact find". Did you mean --limit? Options: --limit, --offset.')
    expect(parseError('contact show CT000001 --verbose').userMessage).toBe('Unknown option --verbose for "contact show". Options: none.')
  })

  it('shows usage and an example for a missing argument', () => {
    const error = parseError('contact show')
    expect(error).toMatchObject({ code: 'MISSING_ARGUMENT', field: 'no' })
    expect(error.userMessage).toBe('Missing <no>: contact number, e.g. CT000001. Usage: contact show <no>. Example: contact show CT000002')
    expect(parseError('contact add').userMessage).toContain('Missing <type>: company or person. Usage: contact add <company|person> [name...] [options]. Example: contact add company "Hekla Útgerð ehf"')
    expect(parseError('contact find hekla --limit').userMessage).toContain('--limit needs a value')
  })

  it('refuses a bad whole number and a bad choice', () => {
    expect(parseError('contact find hekla --limit ten')).toMatchObject({ code: 'BAD_OPTION', userMessage: expect.stringContaining('--limit needs a whole number, not "ten". Usage: contact find <query...> [options]') })
    expect(parseError('contact add firm Hekla')).toMatchObject({ code: 'BAD_ARGUMENT', userMessage: expect.stringContaining('<type> is one of company, person, not "firm".') })
    expect(parseError('setup codes industries').userMessage).toContain('<kind> is one of business-relation, industry-group, mailing-group, job-responsibility, not "industries".')
    expect(parseError('contact add person Þóra --privacy-blocked=maybe').userMessage).toBe('--privacy-blocked is on or off, not "maybe".')
    // A word after an on/off flag that is no on/off word is read as the flag's value, not as a stray argument.
    expect(parseError('contact edit CT000001 --privacy-blocked maybe')).toMatchObject({ code: 'BAD_OPTION', field: 'privacy-blocked', userMessage: '--privacy-blocked is on or off, not "maybe": give --privacy-blocked alone to turn it on, or --privacy-blocked off to turn it off.' })
    expect(parseCommandLine(coreCommands, 'contact edit --privacy-blocked CT000001')).toMatchObject({ kind: 'command', input: { args: { no: 'CT000001' }, options: { 'privacy-blocked': true } } })
    expect(parseError('contact show CT1 CT2').code).toBe('EXTRA_ARGUMENT')
    expect(parseError('contact find x --limit 1 --limit 2').code).toBe('REPEATED_OPTION')
  })

  it('reads typed options, lists and rest arguments', () => {
    const parsed = parseCommandLine(coreCommands, 'Contact Add PERSON Þóra Guðmundsdóttir --company ct000001 --relation CUST,PROSPECT --relation PARTNER --privacy-blocked --profile budget=1M')
    expect(parsed.kind).toBe('command')
    if (parsed.kind !== 'command') return
    expect(parsed.spec.path).toEqual(['contact', 'add'])
    expect(parsed.input).toEqual({
      args: { type: 'person', name: 'Þóra Guðmundsdóttir' },
      options: { company: 'ct000001', relation: ['CUST', 'PROSPECT', 'PARTNER'], 'privacy-blocked': true, profile: ['budget=1M'] },
      words: { name: ['Þóra', 'Guðmundsdóttir'] },
    })
  })

  it('has at least one example per command, and every example parses to its command', () => {
    expect(coreCommands.length).toBeGreaterThan(10)
    for (const spec of coreCommands) {
      expect(spec.examples.length, spec.path.join(' ')).toBeGreaterThan(0)
      for (const example of spec.examples) {
        const parsed = parseCommandLine(coreCommands, example)
        expect(parsed.kind, example).toBe('command')
        if (parsed.kind === 'command') expect(parsed.spec.path, example).toEqual(spec.path)
      }
    }
  })
})

describe('commands', () => {
  const core = useCore('sqlite')
  const run = (line: string, actor: Actor = admin) => runCommand({ ...core.ctx, actor }, line)

  describe('help', () => {
    it('lists the command groups', async () => {
      const view = await run('help')
      expect(view).toMatchObject({ kind: 'help', title: 'Commands' })
      expect(view.data).toEqual({
        groups: [
          { group: 'contact', summary: 'find, create, edit, merge and erase contacts' },
          { group: 'log', summary: 'log an interaction with a contact' },
          { group: 'interactions', summary: 'a contact\'s interaction history and statistics' },
          { group: 'interaction', summary: 'show, cancel or restore one interaction' },
          { group: 'opp', summary: 'sales opportunities: create, move through stages, close, forecast' },
          { group: 'segment', summary: 'segments: build contact lists by filters, undo, save criteria, log' },
          { group: 'campaign', summary: 'campaigns: segments, responses and statistics' },
          { group: 'setup', summary: 'settings, number series, codes, templates and sales cycles' },
          { group: 'salesperson', summary: 'the team\'s salespeople' },
        ],
      })
      expect(renderText(await run(''))).toContain('help <command>')
    })

    it('lists the commands of a group', async () => {
      for (const line of ['help contact', 'contact']) {
        const view = await run(line)
        expect(view).toMatchObject({ kind: 'help', title: 'contact commands' })
        const commands = (view.data as { commands: Array<{ command: string }> }).commands.map((c) => c.command)
        expect(commands).toEqual(expect.arrayContaining(['contact add', 'contact find', 'contact merge', 'contact erase']))
        expect(commands.every((c) => c.startsWith('contact '))).toBe(true)
      }
    })

    it('shows usage, options and examples of one command', async () => {
      for (const line of ['help contact add', 'contact add --help', 'HELP Contact ADD']) {
        const view = await run(line)
        if (view.kind !== 'help') throw new Error(`help expected for ${line}`)
        expect(view.title).toBe('contact add: Create a company or a person (a person may belong to a company)')
        const text = renderText(view)
        expect(text).toContain('contact add <company|person> [name...] [options]')
        expect(text).toContain('--email <value>')
        expect(text).toContain('--relation <value>  business relation codes, e.g. CUST,PROSPECT (repeatable, comma-separated)')
        expect(text).toContain('contact add person "Þóra Guðmundsdóttir" --company CT000001 --email thora@hekla.is')
      }
      const error = await domainError(run('help nothing here'))
      expect(error).toMatchObject({ code: 'UNKNOWN_HELP_TOPIC', userMessage: 'No help for "nothing here". Try: help' })
    })
  })

  describe('access', () => {
    const unlinked: Actor = { id: 'slack:U1', isAdmin: false }
    const seller: Actor = { id: 'slack:U2', isAdmin: false, salespersonCode: 'JD' }
    beforeEach(async () => {
      await addSalesperson(core.deps, admin, { code: 'JD', name: 'Jane Doe' })
      await run('contact add company "Hekla Útgerð ehf"')
      await run('contact add company "Hekla Utgerd EHF"')
    })

    it('lets an actor without salesperson search and view but not change anything', async () => {
      expect((await run('contact find hekla', unlinked)).kind).toBe('contact-list')
      expect((await run('contact show CT000001', unlinked)).kind).toBe('contact')
      expect((await run('setup show', unlinked)).kind).toBe('record')
      const before = await snapshotCounts(core.database)
      for (const line of ['contact add person Þóra', 'contact edit CT000001 --city Vík', 'contact not-duplicates CT000001 CT000002']) {
        const error = await domainError(run(line, unlinked))
        expect(error.code, line).toBe('NOT_LINKED')
        expect(error.userMessage).toContain('your account must be linked to a salesperson')
      }
      expect(await snapshotCounts(core.database)).toEqual(before)
    })

    it('lets a salesperson write but keeps merge, erase and setup for admins', async () => {
      const added = await run('contact add person Þóra --company CT000001', seller)
      expect(added).toMatchObject({ kind: 'contact', notice: 'Created CT000003.' })
      const before = await snapshotCounts(core.database)
      for (const line of ['contact merge CT000002 CT000001', 'contact erase CT000003 --confirm CT000003', 'setup set duplicate-search off', 'salesperson add AB Anna']) {
        const error = await domainError(run(line, seller))
        expect(error.code, line).toBe('FORBIDDEN')
        expect(error.userMessage).toBe(`"${line.split(' ').slice(0, 2).join(' ')}" is for admins. Ask an admin of your CRM to do it.`)
      }
      const series = await domainError(run('setup series CONTACT --next 50', seller))
      expect(series.userMessage).toBe('Only admins can change number series.')
      expect(await snapshotCounts(core.database)).toEqual(before)
      expect((await run('contact merge CT000002 CT000001')).kind).toBe('contact')
    })
  })

  describe('bad input to write commands', () => {
    beforeEach(async () => {
      await run('contact add company "Hekla Útgerð ehf" --website hekla.is --industry FISHING')
      await run('contact add person "Þóra Guðmundsdóttir" --company CT000001')
    })

    it('changes no contact and writes no change log', async () => {
      const lines = [
        'contact add company',
        'contact add person Jón --company CT000002',
        'contact add person Jón --industry FISHING',
        'contact add company Katla --relation NOPE',
        'contact add person Jón --email jon@',
        'contact add person Jón --profile budget',
        'contact add person Jón --salesperson NOBODY',
        'contact edit CT000002',
        'contact edit CT000002 --name ""',
        'contact edit CT000099 --city Vík',
        'contact edit CT000002 --country Iceland',
        'contact link CT000001 CT000002',
        'contact merge CT000002 CT000001',
        'contact merge CT000001 CT000001',
        'contact erase CT000001 --confirm CT000001',
        'contact erase CT000002 --confirm CT000001',
        'contact not-duplicates CT000001 ct000001',
        'setup set duplicate-threshold 0',
        'setup series CONTACT --next 1',
        'setup code add industry-group "BAD CODE" Bad',
        'setup code remove industry-group FISHING',
        'salesperson add JD "Jane" --email nope',
      ]
      const before = await snapshotCounts(core.database)
      const contacts = await countRows(core.database, 'contacts')
      const log = await countRows(core.database, 'change_log')
      for (const line of lines) {
        const error = await domainError(run(line))
        expect(error.userMessage.length, line).toBeGreaterThan(10)
      }
      expect(await countRows(core.database, 'contacts')).toBe(contacts)
      expect(await countRows(core.database, 'change_log')).toBe(log)
      expect(await snapshotCounts(core.database)).toEqual(before)
    })

    it('shows a preview instead of erasing when --confirm is missing', async () => {
      const before = await snapshotCounts(core.database)
      const view = await run('contact erase CT000002')
      expect(view).toMatchObject({ kind: 'message', title: 'Confirm erasure of CT000002', data: { no: 'CT000002', erased: false } })
      expect(await snapshotCounts(core.database)).toEqual(before)
    })
  })
})

describeEachDialect('commands on every dialect', (dialect) => {
  const core = useCore(dialect)
  const run = (line: string, ctx: CommandContext = core.ctx): Promise<ResultView> => runCommand(ctx, line)
  const names = (view: ResultView) => (view.kind === 'contact-list' ? view.result.contacts.map((c) => c.name) : [])

  it('runs acceptance scenarios 1 and 2 through the grammar', async () => {
    await run('salesperson add JD "Jane Doe" --email jane@example.com')
    const company = await run('contact add company “Hekla Útgerð ehf” --address "Grandagarður 1" --city Reykjavík --country is --salesperson jd --website hekla.is --industry FISHING')
    expect(company).toMatchObject({ kind: 'contact', notice: 'Created CT000001.' })
    const person = await run('contact add person Þóra Guðmundsdóttir --company CT000001 --email thora@hekla.is')
    expect(person.data).toMatchObject({ contact: { no: 'CT000002', address: 'Grandagarður 1', city: 'Reykjavík', salespersonCode: 'JD', companyName: 'Hekla Útgerð ehf' } })
    for (const query of ['thora', 'ÞÓRA', 'gudmunds']) expect(names(await run(`contact find ${query}`)), query).toEqual(['Þóra Guðmundsdóttir'])
    const duplicate = await run('contact add company "Hekla Utgerd EHF" --website www.hekla.is')
    expect(duplicate).toMatchObject({ notice: 'Created CT000003. Warning: 1 possible duplicate(s) found.' })
    expect((duplicate.data as { duplicates: unknown[] }).duplicates).toEqual([{ no: 'CT000001', name: 'Hekla Útgerð ehf', score: 100, reasons: ['same name', 'same website domain'] }])
    expect(renderText(duplicate)).toContain('100%')
    const merged = await run('contact merge CT000001 CT000003')
    expect(merged.data).toMatchObject({ merged: 'CT000001', survivor: 'CT000003', movedPersons: 1 })
    expect((await run('contact show CT000002')).data).toMatchObject({ contact: { companyNo: 'CT000003', companyName: 'Hekla Utgerd EHF' } })
  })

  it('edits, pages and lists through the grammar', async () => {
    await run('contact add company "Hekla Útgerð ehf" --city Reykjavík')
    await run('contact add person "Þóra Guðmundsdóttir" --company CT000001')
    const edited = await run('contact edit CT000001 --name "Katla hf" --relation PROSPECT --profile "budget=over 1M"')
    expect(edited).toMatchObject({ kind: 'contact', notice: 'Updated CT000001.' })
    expect(edited.data).toMatchObject({ classifications: { 'business-relation': ['PROSPECT'] }, profile: [{ question: 'budget', answer: 'over 1M' }] })
    expect(names(await run('contact find katla'))).toEqual(['Katla hf', 'Þóra Guðmundsdóttir'])
    const page = await run('contact find katla --limit 1 --offset 1')
    expect(page.data).toMatchObject({ hasMore: false, offset: 1 })
    expect(names(page)).toEqual(['Þóra Guðmundsdóttir'])
    const list = await run('contact list --type person')
    expect(names(list)).toEqual(['Þóra Guðmundsdóttir'])
    const history = await run('contact history CT000001')
    expect((history.data as Array<{ action: string }>).map((h) => h.action)).toEqual(['create', 'update'])
  })

  it('changes setup and number series through the grammar', async () => {
    expect((await run('setup set duplicate-threshold 70')).data).toMatchObject({ duplicateThreshold: 70 })
    expect((await run('setup series CONTACT --prefix KT --width 4 --next 7')).title).toBe('Number series CONTACT: next number KT0007.')
    expect(await run('contact add person Jón')).toMatchObject({ notice: 'Created KT0007.' })
    await run('setup code add industry-group AQUA "Aquaculture"')
    const codes = await run('setup codes industry-group')
    expect((codes.data as Array<{ code: string }>).map((c) => c.code)).toContain('AQUA')
    await run('setup code remove industry-group AQUA')
    expect(((await run('setup codes industry-group')).data as Array<{ code: string }>).map((c) => c.code)).not.toContain('AQUA')
  })
})
