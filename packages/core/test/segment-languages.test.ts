import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { renderText, runCommand, sendQueuedEmails, type OutgoingMail } from '../src/index.ts'
import { domainError, snapshotDatabase, useCore } from './builders.ts'

const EN = { subject: 'Autumn offer', body: 'Dear customer,\n\nFresh cod and haddock this week.\nBest regards' }
const IS = { subject: 'Haustilboð: þorskur og ýsa', body: 'Kæri viðskiptavinur,\n\nFerskur þorskur og ýsa í þessari viku.\nBestu kveðjur, Þóra' }
const RU = { subject: 'Осеннее предложение', body: 'Уважаемый клиент,\n\nСвежая треска и пикша на этой неделе.\nС уважением, Ирина' }

describeEachDialect('segment email content in the language of each line', (dialect) => {
  const core = useCore(dialect)
  const run = (line: string) => runCommand(core.ctx, line)
  const data = async (line: string) => (await run(line)).data as any
  const q = (text: string) => `"${text.replace(/"/g, '\\"')}"`
  const outbox = (segmentNo = 'SG00001') => core.database.db.selectFrom('email_outbox').select(['contact_no', 'to_address', 'subject', 'body', 'interaction_no']).where('segment_no', '=', segmentNo).orderBy('contact_no').execute()
  const entries = (segmentNo: string) => core.database.db.selectFrom('interaction_log_entries').select(['no', 'contact_no', 'subject', 'language_code']).where('segment_no', '=', segmentNo).orderBy('contact_no').execute()

  beforeEach(async () => {
    await run('contact add company "Hekla Útgerð ehf" --country IS --language is --email info@hekla.is')
    await run('contact add company "Северная Рыба ООО" --country RU --language ru --email post@sever.example.ru')
    await run('contact add company "Brim hf" --country IS --email brim@brim.is')
    await run('contact add company "Eldey Fiskur hf" --country IS --language is --email eldey@eldey.is')
    await run('campaign new "Autumn offer"')
    await run('segment new "Autumn mailing" --campaign CP0001')
    await run('segment add SG00001 has:email')
    await run(`segment content SG00001 --subject ${q(EN.subject)} --body ${q(EN.body)}`)
    await run(`segment language SG00001 IS --subject ${q(IS.subject)} --body ${q(IS.body)}`)
    await run(`segment language SG00001 RU --subject ${q(RU.subject)} --body ${q(RU.body)}`)
    // Eldey's contact reads Icelandic, but this mailing goes to its English-speaking buyer.
    await run('segment line SG00001 CT000004 --language EN')
  })

  it('queues each email in the variant of its line\'s language, else the default, and logs the same subjects', async () => {
    expect(await data('segment log SG00001 EMAIL-OUT')).toMatchObject({ logged: 4, queued: 4 })
    const rows = await outbox()
    expect(rows.map((r) => [r.contact_no, r.to_address, r.subject, r.body])).toEqual([
      ['CT000001', 'info@hekla.is', IS.subject, IS.body],
      ['CT000002', 'post@sever.example.ru', RU.subject, RU.body],
      ['CT000003', 'brim@brim.is', EN.subject, EN.body],
      ['CT000004', 'eldey@eldey.is', EN.subject, EN.body],
    ])
    const logged = await entries('SG00001')
    expect(logged.map((e) => [e.contact_no, e.subject, e.language_code])).toEqual([
      ['CT000001', IS.subject, 'is'],
      ['CT000002', RU.subject, 'ru'],
      ['CT000003', EN.subject, null],
      ['CT000004', EN.subject, null],
    ])
    expect(rows.map((r) => r.interaction_no)).toEqual(logged.map((e) => e.no))
    expect(await data(`interaction show ${logged[1]!.no}`)).toMatchObject({ subject: RU.subject, languageCode: 'ru', segmentNo: 'SG00001' })
    expect(renderText(await run(`interaction show ${logged[1]!.no}`))).toMatch(/Segment\s+SG00001 \(ru variant\)/)
    // What the sender hands the transport: the body as the text, unchanged.
    const sent: OutgoingMail[] = []
    await sendQueuedEmails(core.deps, { send: async (mail) => void sent.push(mail) }, { perMinute: 100, maxAttempts: 1, backoffSeconds: 0, leaseSeconds: 60 })
    expect(sent.map((m) => [m.to, m.subject, m.text]).sort()).toEqual([
      ['brim@brim.is', EN.subject, EN.body],
      ['eldey@eldey.is', EN.subject, EN.body],
      ['info@hekla.is', IS.subject, IS.body],
      ['post@sever.example.ru', RU.subject, RU.body],
    ])
  })

  it('takes a subject given to log as the default one, and the description when there is none', async () => {
    await data('segment log SG00001 EMAIL-OUT "Autumn offer 2026" --follow-up')
    expect((await entries('SG00001')).map((e) => e.subject)).toEqual([IS.subject, RU.subject, 'Autumn offer 2026', 'Autumn offer 2026'])
    expect((await data('segment show SG00001')).content.subject).toBe('Autumn offer 2026')
    // The follow-up has no content yet: the default subject is its description, the text the subject.
    await run('segment log SG00002 EMAIL-OUT')
    const followUp = await outbox('SG00002')
    expect(followUp.map((r) => [r.contact_no, r.subject, r.body])).toEqual([1, 2, 3, 4].map((n) => [`CT00000${n}`, 'Follow-up of SG00001: Autumn mailing', null]))
  })

  it('uses the contact\'s language as it is when the segment is logged, and the default again once a line or variant goes', async () => {
    await run('contact edit CT000003 --language ru')
    await run('segment line SG00001 CT000004 --language ""')
    await run('segment language SG00001 is --remove')
    await run('segment language SG00001 ru --subject "Осень"')
    await run('segment log SG00001 EMAIL-OUT')
    expect((await outbox()).map((r) => [r.contact_no, r.subject, r.body])).toEqual([
      ['CT000001', EN.subject, EN.body],
      ['CT000002', 'Осень', RU.body],
      ['CT000003', 'Осень', RU.body],
      ['CT000004', EN.subject, EN.body],
    ])
  })

  it('sends the subject as the text of a variant without a body, never the default body in another language', async () => {
    await run('segment language SG00001 ru --body ""')
    await run('segment log SG00001 EMAIL-OUT')
    expect((await outbox()).find((r) => r.contact_no === 'CT000002')).toMatchObject({ subject: RU.subject, body: null })
  })

  it('shows the content, the variants and the lines\' languages; lists a line\'s language where it overrides', async () => {
    const shown = await data('segment show SG00001')
    expect(shown.content).toEqual({ subject: EN.subject, body: EN.body, languages: [{ languageCode: 'is', ...IS }, { languageCode: 'ru', ...RU }] })
    expect(shown.composition.language).toEqual([{ code: null, count: 1 }, { code: 'en', count: 1 }, { code: 'is', count: 1 }, { code: 'ru', count: 1 }])
    const text = renderText(await run('segment show SG00001'))
    expect(text).toMatch(/Subject\s+Autumn offer\n/)
    expect(text).toMatch(/Body \(is\)\s+Kæri viðskiptavinur, Ferskur þorskur/)
    expect(text).toContain(RU.subject)
    const contacts = (await data('segment contacts SG00001')).contacts
    expect(contacts.map((c: { no: string; languageCode: string | null; contactLanguageCode: string | null }) => [c.no, c.languageCode, c.contactLanguageCode])).toEqual([
      ['CT000001', null, 'is'],
      ['CT000002', null, 'ru'],
      ['CT000003', null, null],
      ['CT000004', 'en', 'is'],
    ])
    expect(renderText(await run('segment contacts SG00001'))).toMatch(/CT000004 .* en\n?$/m)
  })

  it('selects contacts by language as contacts store it, whatever the case typed', async () => {
    const matching = async (filter: string) => {
      const seg = (await data('segment new "Probe"')).segment.no as string
      await run(`segment add ${seg} ${filter}`)
      return ((await data(`segment contacts ${seg}`)).contacts as Array<{ no: string }>).map((c) => c.no)
    }
    expect(await matching('language=IS')).toEqual(['CT000001', 'CT000004'])
    expect(await matching('language=ru,is')).toEqual(['CT000001', 'CT000002', 'CT000004'])
    expect(await matching('!language=Is')).toEqual(['CT000002', 'CT000003'])
  })

  it('keeps a line\'s language through undo and into a follow-up segment', async () => {
    await run('segment remove SG00001 --contact CT000004')
    await run('segment undo SG00001')
    expect((await data('segment contacts SG00001')).contacts.find((c: { no: string }) => c.no === 'CT000004').languageCode).toBe('en')
    await run('segment log SG00001 EMAIL-OUT --follow-up')
    expect((await data('segment contacts SG00002')).contacts.find((c: { no: string }) => c.no === 'CT000004').languageCode).toBe('en')
  })

  it('refuses a bad language code, an unknown segment or variant, and a logged segment, changing nothing', async () => {
    const refused = async (line: string) => {
      const before = await snapshotDatabase(core.database)
      const error = await domainError(run(line))
      expect(await snapshotDatabase(core.database)).toEqual(before)
      return error.userMessage
    }
    expect(await refused('segment line SG00001 CT000001 --language klingon')).toBe('"klingon" is not a language code. Use an ISO 639 code such as is, en, ru, de or pt-br. Example: segment line SG00001 CT000001 --language is')
    expect(await refused('segment line SG00001 CT000001 --template LETTER --language xx')).toContain('"xx" is not a language code.')
    expect(await refused('segment line SG00001 CT000099 --language en')).toBe('CT000099 is not in segment SG00001. See its contacts with: segment contacts SG00001')
    expect(await refused('segment line SG00099 CT000001 --language en')).toBe('There is no segment SG00099. See them with: segment list')
    expect(await refused('segment line SG00001 CT000001')).toContain('Give the template (--template) or language (--language)')
    expect(await refused('segment language SG00001 english --subject "Offer"')).toContain('"english" is not a language code.')
    expect(await refused('segment language SG00099 is --subject "Tilboð"')).toBe('There is no segment SG00099. See them with: segment list')
    expect(await refused('segment language SG00001 de --body "Frischer Kabeljau"')).toContain('A de variant needs a subject.')
    expect(await refused('segment language SG00001 de --remove')).toBe('Segment SG00001 has no de variant. Variants: is, ru.')
    expect(await refused('segment language SG00001 is --remove --subject x')).toContain('--remove takes no --subject or --body')
    expect(await refused('segment content SG00099 --subject "Offer"')).toBe('There is no segment SG00099. See them with: segment list')
    expect(await refused('segment content SG00001')).toContain('Give the --subject or --body')
    expect(await refused(`segment content SG00001 --subject ${q('x'.repeat(251))}`)).toContain('at most 250 are allowed')
    await run('segment log SG00001 EMAIL-OUT')
    for (const line of ['segment content SG00001 --subject "Later"', 'segment language SG00001 is --remove', 'segment line SG00001 CT000001 --language en']) {
      expect(await refused(line)).toContain('has been logged')
    }
  })
})
