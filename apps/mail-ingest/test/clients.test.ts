import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCoreDeps, listInteractions, type CoreDeps } from '@crm/core'
import type { CrmDatabase } from '@crm/db'
import { createTestDatabase } from '@crm/db/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ingestMessage } from '../src/index.ts'
import { FIXTURE_SETTINGS as settings, seedFixtureCrm, type FixtureContacts } from './fixture-crm.ts'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name))

describe('mail clients and languages', () => {
  let database: CrmDatabase
  let deps: CoreDeps
  let nos: FixtureContacts
  beforeEach(async () => {
    database = await createTestDatabase('sqlite')
    deps = createCoreDeps(database, { clock: () => new Date('2026-11-20T10:00:00Z') })
    nos = await seedFixtureCrm(deps)
  })
  afterEach(async () => {
    await database.close()
  })

  async function only(no: string) {
    const entries = (await listInteractions(deps, no)).interactions.filter((i) => i.contactNo === no)
    expect(entries).toHaveLength(1)
    return entries[0]!
  }

  // Each inline forward: which client and language wrote it, who the original is from, its subject, date and the forwarder's note.
  it.each([
    ['outlook-forward-ru-cp1251.eml', 'Outlook desktop, Russian, windows-1251 quoted-printable', 'irina', 'Счёт на поставку трески', '2026-11-16T09:12:00.000Z', 'Коллеги, счёт от Росфиш, занесите, пожалуйста.'],
    ['outlook-web-forward-en-html.eml', 'Outlook on the web, English, HTML only, split encoded words', 'mueller', 'Offer for frozen cod', '2026-11-16T09:12:00.000Z', 'Hot lead from Müller, please log.'],
    ['apple-forward-en.eml', 'Apple Mail, English, multipart/alternative', 'thora', 'Delivery schedule', '2026-11-16T09:12:00.000Z', 'FYI, log this one.'],
    ['thunderbird-forward-de.eml', 'Thunderbird, German, tabbed header block', 'mueller', 'Lieferung Fischmehl', '2026-11-16T09:12:00.000Z', 'Bitte ins CRM.'],
    ['thunderbird-forward-en.eml', 'Thunderbird, English', 'nordfish', 'Price list 2027', '2026-11-16T09:12:00.000Z', 'For the file.'],
    ['outlook-forward-is.eml', 'Outlook desktop, Icelandic', 'thora', 'Pöntun á þorski', '2026-11-16T09:12:00.000Z', 'Vinsamlegast skrá.'],
    ['gmail-forward-fr.eml', 'Gmail, French', 'jean', 'Devis cabillaud', '2026-11-16T09:12:00.000Z', 'À enregistrer, merci.'],
    ['outlook-forward-fr.eml', 'Outlook desktop, French', 'jean', 'Commande de juillet', '2026-11-16T09:12:00.000Z', 'Pour le CRM.'],
    ['gmail-nested-forward-ru.eml', 'Gmail, Russian, base64, a forward of a forward', 'irina', 'Заказ на поставку', '2026-11-16T09:12:00.000Z', 'Анна, это надо занести.'],
    ['outlook-web-forward-ru-html.eml', 'Outlook on the web, Russian, HTML only, base64', 'irina', 'Заявка на мойву, 12 тонн', '2026-11-16T09:12:00.000Z', 'Коллеги, заявка от Росфиш — занесите, пожалуйста.'],
    ['outlook-web-forward-is-html.eml', 'Outlook on the web, Icelandic, HTML only, quoted-printable, a team member in Afrit', 'thora', 'Tilboð í þorskflök, 8 tonn', '2026-03-03T10:15:00.000Z', 'Sæl öll, Þóra hjá Heklu vill fá tilboð – getið þið skráð þetta?'],
    ['apple-forward-de.eml', 'Apple Mail, German, WG:, zone as a name (MEZ)', 'mueller', 'Angebot Räucherlachs', '2026-11-16T09:12:00.000Z', 'Bitte im CRM ablegen.'],
    ['apple-forward-ru.eml', 'Apple Mail, Russian, zone as GMT+3', 'irina', 'Отгрузка сельди', '2026-11-16T09:12:00.000Z', 'Коллеги, занесите в CRM.'],
    ['gmail-forward-is.eml', 'Gmail, Icelandic, English field names under a localised separator, with an attachment', 'thora', 'Verðskrá 2027', '2026-11-16T09:12:00.000Z', 'Vinsamlegast skráið í CRM.'],
    // Outlook desktop writes no marker phrase: only its localized FW prefix and header labels say it is a forward.
    ['outlook-forward-no.eml', 'Outlook desktop, Norwegian, VS:', 'nordfish', 'Tilbud på torsk', '2026-11-16T09:12:00.000Z', 'Til CRM, takk.'],
    ['outlook-forward-da.eml', 'Outlook desktop, Danish, VS:, no separator line', 'thora', 'Bestilling af torsk', '2026-11-16T09:12:00.000Z', 'Gem venligst i CRM.'],
    ['outlook-forward-sv.eml', 'Outlook desktop, Swedish, VB:', 'jean', 'Offert på torsk', '2026-11-16T09:12:00.000Z', 'För CRM.'],
    ['outlook-forward-nl.eml', 'Outlook desktop, Dutch, Doorst:', 'mueller', 'Offerte vismeel', '2026-11-16T09:12:00.000Z', 'Graag in het CRM.'],
    ['outlook-forward-pl.eml', 'Outlook desktop, Polish, PD:', 'irina', 'Zamówienie dorsza', '2026-11-16T09:12:00.000Z', 'Proszę zapisać w CRM.'],
    ['outlook-forward-fi.eml', 'Outlook desktop, Finnish, VL:, time as 9.12', 'thora', 'Turskatarjous', '2026-11-16T09:12:00.000Z', 'CRM:ään, kiitos.'],
    ['outlook-forward-it.eml', 'Outlook desktop, Italian, I:', 'jean', 'Ordine di merluzzo', '2026-11-16T09:12:00.000Z', 'Da registrare nel CRM.'],
    ['outlook-forward-da-no-prefix.eml', 'Outlook desktop, Danish, no prefix, sent to the logging mailbox alone', 'nordfish', 'Tilbud på sild', '2026-11-16T09:12:00.000Z', 'Til CRM.'],
  ])('logs %s (%s) against the original sender', async (file, _client, who, subject, occurredAt, note) => {
    const no = nos[who as keyof FixtureContacts]
    const r = await ingestMessage(deps, settings, fixture(file))
    expect(r, r.reason ?? '').toMatchObject({ outcome: 'logged', kind: 'forward', direction: 'inbound', contacts: [no] })
    const entry = await only(no)
    expect(entry).toMatchObject({ templateCode: 'EMAIL-IN', subject, occurredAt, description: note, salespersonCode: 'ANNA', source: 'email' })
    expect((await ingestMessage(deps, settings, fixture(file))).outcome).toBe('already-logged')
  })

  it.each([
    ['auto-reply-subject-de.eml', /out-of-office reply \(subject "Automatische Antwort: Angebot Fischmehl"\)/],
    ['auto-reply-x-autoreply-ru.eml', /auto-reply \(x-autoreply: yes\)/],
    ['newsletter-list-unsubscribe.eml', /mailing-list mail/],
    ['bounce-mailer-daemon.eml', /bounce \(from mailer-daemon@mx\.team\.example\)/],
  ])('ignores %s and records why', async (file, reason) => {
    const r = await ingestMessage(deps, settings, fixture(file))
    expect(r.outcome).toBe('ignored')
    expect(r.reason).toMatch(reason)
    expect(await database.db.selectFrom('interaction_log_entries').select('no').execute()).toEqual([])
  })

  it.each([
    ['rejected-dkim-fail.eml', /not authenticated: dkim=fail, spf=fail, dmarc=fail/],
    ['rejected-unaligned-dkim.eml', /not authenticated: dkim=pass, spf=pass \(no pass for team\.example\)/],
    ['rejected-forged-lower-header.eml', /not authenticated: .*dmarc=fail/],
    ['rejected-no-authentication-results.eml', /not authenticated: no Authentication-Results header from mx\.team\.example/],
  ])('rejects %s: the forwarder is not proven, nothing is logged', async (file, reason) => {
    const r = await ingestMessage(deps, settings, fixture(file))
    expect(r.outcome).toBe('rejected')
    expect(r.reason).toMatch(reason)
    expect(await database.db.selectFrom('interaction_log_entries').select('no').execute()).toEqual([])
    expect(await database.db.selectFrom('mail_review_items').select('id').execute()).toEqual([])
  })
})
