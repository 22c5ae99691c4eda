import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { joinWords, parseMoney, runCommand, tokenize, type ResultView } from '../src/index.ts'
import { domainError, snapshotDatabase, useCore } from './builders.ts'

describe('money as typed', () => {
  it('reads grouped and decimal amounts the one way they can be read', () => {
    expect(parseMoney('2.50', 'EUR')).toBe(250)
    expect(parseMoney('1,234.50', 'EUR')).toBe(123450)
    expect(parseMoney('1.234,50', 'EUR')).toBe(123450)
    expect(parseMoney('1 234,50', 'EUR')).toBe(123450)
    expect(parseMoney('1,234,567', 'EUR')).toBe(123456700)
    expect(parseMoney('10,000.00', 'EUR')).toBe(1000000)
    expect(parseMoney('2,5', 'EUR')).toBe(250)
    // No decimals in ISK, three in KWD: a single group of three digits can only be read one way.
    expect(parseMoney('1.234', 'ISK')).toBe(1234)
    expect(parseMoney('1.234', 'KWD')).toBe(1234)
  })

  it('refuses "1.234" and "10,000" as ambiguous, with the unambiguous spellings', () => {
    const error = (text: string) => {
      try {
        parseMoney(text, 'EUR', 'cost')
      } catch (e) {
        return (e as { userMessage: string }).userMessage
      }
      throw new Error(`${text} was accepted`)
    }
    expect(error('1.234')).toBe('"1.234" is ambiguous: it reads as 1234 or as 1.234. Write it without a thousands separator (1234) or with the decimals spelled out (1234.00); EUR has 2 decimal places. Example: --cost 1234.00')
    expect(error('10,000')).toContain('"10,000" is ambiguous')
    expect(error('1,2,3')).toContain('thousands separators group three digits')
    expect(error('12,34.5')).toContain('thousands separators group three digits')
    expect(error('1.')).toContain('digits must follow the decimal point')
    expect(error('1234.567')).toContain('EUR has 2 decimal place(s)')
  })
})

describe('criteria text', () => {
  it('joins terms so that splitting gives them back, spaces and quotes included', () => {
    const terms = ['city=New York', 'industry=FISHING', 'name~O\'Brien', 'job-title=the "boss"', '!country=IS', 'profile:budget=over 1M']
    expect(joinWords(terms)).toBe('"city=New York" industry=FISHING "name~O\'Brien" "job-title=the \\"boss\\"" !country=IS "profile:budget=over 1M"')
    expect(tokenize(joinWords(terms))).toEqual(terms)
  })
})

describeEachDialect('checks of command input', (dialect) => {
  const core = useCore(dialect)
  const run = (line: string): Promise<ResultView> => runCommand(core.ctx, line)
  const data = async (line: string) => (await run(line)).data as any
  /** Runs a line that must be refused; returns the message after checking that no row changed. */
  const refused = async (line: string): Promise<{ message: string; field: string | undefined }> => {
    const before = await snapshotDatabase(core.database)
    const error = await domainError(run(line))
    expect(await snapshotDatabase(core.database), `"${line}" changed the database`).toEqual(before)
    return { message: error.userMessage, field: error.field }
  }

  beforeEach(async () => {
    await run('salesperson add JD "Jón Jónsson"')
    await run('contact add company "Big Apple Fish Inc" --city "New York" --country US --industry FISHING')
    await run('contact add company "Hekla Útgerð ehf" --city Reykjavík --country IS --industry FISHING')
    await run('contact add person "Þóra Guðmundsdóttir" --company CT000002 --email thora@hekla.is')
    await run('campaign new "Autumn offer" --start 2026-11-01 --end 2026-12-31')
  })

  it('reapplies saved criteria whose values contain spaces', async () => {
    await run('segment new "New York"')
    expect((await data('segment add SG00001 "city=New York"')).step.added).toBe(1)
    expect((await data('segment add SG00001 city="new york" --allow-existing')).step.added).toBe(1)
    await run('segment save-criteria SG00001 NYC')
    await run('segment new "New York again"')
    const applied = await data('segment apply-criteria SG00002 NYC')
    expect(applied.steps.map((s: { criteria: string; added: number }) => [s.criteria, s.added])).toEqual([['"city=New York"', 1], ['"city=new york"', 1]])
    expect(applied.segment.lines).toBe(2)
  })

  it('refuses an ambiguous amount on log and opp new, and reads 1,234.50 and "1 234,50"', async () => {
    expect((await refused('log CT000003 CALL-OUT "Call" --cost 1.234')).message).toContain('"1.234" is ambiguous')
    expect((await refused('opp new CT000003 "Cod" --value 10,000')).field).toBe('value')
    expect((await data('opp new CT000003 "Cod" --value 1,234.50')).opportunity.estimatedValueMinor).toBe(123450)
    expect((await data('opp new CT000003 "Haddock" --value "1 234,50"')).opportunity.estimatedValueMinor).toBe(123450)
    expect((await data('log CT000003 CALL-OUT "Call" --cost 2,50')).costMinor).toBe(250)
  })

  it('refuses --response without --campaign, and a response template without a campaign is no response', async () => {
    const r = await refused('log CT000003 EMAIL-IN "Yes please" --response')
    expect(r).toMatchObject({ field: 'response' })
    expect(r.message).toContain('give the campaign with --campaign')
    expect((await data('log CT000003 EMAIL-IN "Yes please" --response --campaign CP0001')).campaignResponse).toBe(true)
    await run('setup template REPLY "Reply to a mailing" --group EMAIL --channel email --campaign-response')
    expect((await data('log CT000003 REPLY "Out of office"')).campaignResponse).toBe(false)
  })

  it('refuses unknown campaign and segment numbers and reversed periods in filters, naming the term', async () => {
    await run('segment new "Filters"')
    expect((await refused('segment add SG00001 campaign:CP0099')).message).toBe('"campaign:CP0099": there is no campaign CP0099. See them with: campaign list. Example: industry=FISHING country=IS no-interaction:EMAIL-OUT:30d')
    expect((await refused('segment add SG00001 responded:CP0042')).message).toContain('"responded:CP0042": there is no campaign CP0042')
    expect((await refused('segment add SG00001 segment:SG00099')).message).toContain('"segment:SG00099": there is no segment SG00099')
    expect((await refused('segment refine SG00001 !segment:SG00042')).message).toContain('there is no segment SG00042')
    expect((await refused('segment add SG00001 interaction:CALL-OUT:2026-12-01..2026-01-01')).message).toContain('"interaction:CALL-OUT:2026-12-01..2026-01-01": the period 2026-12-01..2026-01-01 ends before it starts')
    expect((await refused('segment add SG00001 no-interaction:*:2026-02-30..')).message).toContain('"2026-02-30" is not a valid calendar date')
    expect((await refused('segment add SG00001 opportunity:9')).message).toContain('"opportunity:9": no sales cycle has a stage 9; stages go from 1 to 4.')
    expect((await refused('segment add SG00001 no-opportunity:0')).message).toContain('no sales cycle has a stage 0')
    expect((await data('segment add SG00001 campaign:CP0001')).step.added).toBe(0)
    expect((await data('segment add SG00001 opportunity:4')).step.added).toBe(0)
  })

  it('refuses --any with --contact and honours --expand with --contact', async () => {
    await run('segment new "By hand"')
    expect((await refused('segment add SG00001 --contact CT000002 --any')).field).toBe('any')
    expect((await refused('segment add SG00001 --contact CT000002 --expand everyone')).field).toBe('expand')
    const added = await data('segment add SG00001 --contact CT000002 --expand persons')
    expect(added.step.added).toBe(2)
    const contacts = await data('segment contacts SG00001')
    expect(contacts.contacts.map((c: { no: string }) => c.no).sort()).toEqual(['CT000002', 'CT000003'])
    expect((await refused('segment remove SG00001 --contact CT000003 --any')).field).toBe('any')
    await run('segment new "Company of a person"')
    expect((await data('segment add SG00002 --contact CT000003 --expand companies')).step.added).toBe(2)
  })

  it('takes --privacy-blocked off (and on) as a word after the option', async () => {
    expect((await data('contact edit CT000003 --privacy-blocked on')).contact.privacyBlocked).toBe(true)
    expect((await data('contact edit CT000003 --privacy-blocked off')).contact.privacyBlocked).toBe(false)
    expect((await data('contact edit CT000003 --exclude-from-segments yes --privacy-blocked=no')).contact).toMatchObject({ excludeFromSegments: true, privacyBlocked: false })
    expect((await refused('contact edit CT000003 --privacy-blocked maybe')).message).toBe('--privacy-blocked is on or off, not "maybe": give --privacy-blocked alone to turn it on, or --privacy-blocked off to turn it off.')
  })

  it('checks language codes, list filters, paging and dates', async () => {
    expect((await refused('contact edit CT000003 --language xx')).message).toBe('"xx" is not a language code. Use an ISO 639 code such as is, en, ru, de or pt-br. Example: --language is')
    expect((await refused('contact add person "Ann Lee" --language english')).field).toBe('language')
    expect((await refused('setup set default-language zz')).field).toBe('default-language')
    expect((await data('contact edit CT000003 --language pt-BR')).contact.languageCode).toBe('pt-br')
    expect((await refused('opp list --salesperson NOPE')).message).toBe('There is no salesperson NOPE. Salespeople: JD. Example: --salesperson JD')
    expect((await refused('opp forecast --salesperson NOPE')).field).toBe('salesperson')
    expect((await refused('opp list --contact CT009999')).field).toBe('contact')
    expect((await refused('opp list --stage 7')).message).toBe('No sales cycle has a stage 7; stages go from 1 to 4. See them with: setup cycles. Example: --stage 2')
    expect((await refused('contact list --salesperson NOPE')).message).toBe('There is no salesperson NOPE. Salespeople: JD. Example: --salesperson JD')
    expect((await refused('contact list --company CT000099')).field).toBe('company')
    expect((await refused('contact list --company CT000003')).message).toContain('CT000003 (Þóra Guðmundsdóttir) is a person, not a company.')
    expect((await refused('contact list --country Iceland')).message).toContain('"ICELAND" is not a two-letter ISO country code.')
    expect((await data('contact list --company CT000002')).contacts.map((c: { no: string }) => c.no)).toEqual(['CT000003'])
    expect((await refused('opp list --from 2026-12-01 --to 2026-11-01')).message).toContain('ends (2026-11-01) before it starts (2026-12-01)')
    for (const line of ['opp list --limit 0', 'contact find hekla --limit 0', 'segment contacts SG00001 --limit 0', 'interactions CT000002 --limit 0', 'contact list --limit -5']) {
      expect((await refused(line)).message, line).toContain('--limit is how many to show: 1 or more')
    }
    expect((await refused('contact find hekla --offset -1')).message).toContain('--offset is how many to skip')
    expect((await refused('log CT000003 CALL-OUT "Call" --date 0201-01-01')).message).toBe('"0201-01-01" is not a plausible date: the year is 0201; give a year from 1900 to 2199. Example: --date 2026-11-20')
    expect((await refused('log CT000003 CALL-OUT "Call" --date 2026-02-30')).message).toContain('not a valid calendar date')
    expect((await refused('log CT000003 CALL-OUT "Call" --date "2026-02-30 10:00+02:00"')).message).toContain('not a valid calendar date')
    expect((await refused('log CT000003 CALL-OUT "Call" --date "2026-11-20 25:00"')).message).toContain('not a valid time of day')
    expect((await refused('opp new CT000003 "Cod" --close-date 20270-01-01')).field).toBe('close-date')
    expect((await refused('opp new CT000003 "Cod" --close-date 2027-02-29')).message).toContain('not a valid calendar date')
    expect((await refused('campaign new "Spring" --start 0026-03-01')).message).toContain('not a plausible date')
  })

  it('shows a close-code example that works', async () => {
    const r = await refused('setup close-code lost "BAD CODE" "Bad timing"')
    expect(r.message).toContain('Example: setup close-code lost TIMING "Bad timing"')
    expect((await data('setup close-code lost TIMING "Bad timing"')).code).toBe('TIMING')
    await run('opp new CT000003 "Cod" --value 1000')
    const wrong = await refused('opp close OP000001 lost WON-QUALITY')
    expect(wrong.message).toMatch(/WON-QUALITY is not a lost close code\. Lost codes: .*TIMING.*Example: opp close OP000001 lost COMPETITOR$/)
    await run('opp close OP000001 lost COMPETITOR')
    expect((await refused('opp next OP000001')).message).toContain('is closed as lost')
  })
})
