import { sql } from '@crm/db'
import { describe, expect, it } from 'vitest'
import { ADMIN, blocksText, runSlash, useBot, type BotFixture } from './harness.ts'

const count = async (bot: BotFixture, table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(bot.database.db)).rows[0]!.n)

/** Runs `/crm <line>` and returns the reply's text and blocks as one string; fails on an unexpected error. */
async function crm(bot: BotFixture, user: string, line: string): Promise<string> {
  const answer = await runSlash(bot, user, line)
  const all = `${String(answer.text)}\n${blocksText(answer)}`
  expect(all, `/crm ${line}`).not.toMatch(/Something went wrong/)
  return all
}

describe('every command family through signed /crm requests', () => {
  const bot = useBot()

  it('runs the whole sales story: setup, contacts, interactions, opportunities, segments, campaigns', async () => {
    const out: string[] = []
    const say = async (line: string, user = ADMIN) => {
      const text = await crm(bot, user, line)
      out.push(`> ${line}\n${text}`)
      return text
    }
    expect(await say('help')).toContain('Commands')
    expect(await say('help opp next')).toContain('opp next')
    expect(await say('salesperson add JD "Jane Doe" --email jane@example.com')).toContain('JD')
    expect(await say(`me link JD ${ADMIN}`)).toContain('linked to salesperson JD')
    expect(await say('me')).toContain('salesperson JD (Jane Doe), CRM admin')
    expect(await say('salesperson list')).toContain('Jane Doe')
    expect(await say('setup set default-country IS')).not.toMatch(/:warning:/)
    expect(await say('setup show')).toContain('IS')
    expect(await say('setup code add industry-group FISHING "Fishing"')).not.toMatch(/:warning:/)
    expect(await say('setup code add business-relation PROSPECT "Prospect"')).not.toMatch(/:warning:/)
    expect(await say('setup codes industry-group')).toContain('FISHING')
    expect(await say('setup series')).toContain('CT')
    expect(await say('setup templates')).toContain('CALL-OUT')
    expect(await say('setup cycles')).toMatch(/\w/)
    expect(await say('setup close-codes')).toContain('WON-QUALITY')
    expect(await say('setup close-code lost TIMING "Bad timing"')).not.toMatch(/:warning:/)
    expect(await say('setup campaign-statuses')).toContain('ACTIVE')

    expect(await say('contact add company "Hekla Útgerð ehf" --city Reykjavík --country IS --industry FISHING --website hekla.is')).toContain('CT000001')
    expect(await say('contact add person "Þóra Guðmundsdóttir" --company CT000001 --email thora@hekla.is')).toContain('CT000002')
    expect(await say('contact add company "Hekla Utgerd EHF" --website hekla.is')).toContain('CT000003')
    expect(await say('contact find ÞÓRA')).toContain('Þóra Guðmundsdóttir')
    expect(await say('contact list --type company --country IS')).toContain('Hekla Útgerð ehf')
    expect(await say('contact show CT000002')).toContain('Hekla Útgerð ehf')
    expect(await say('contact edit CT000002 --job-title "Sales manager" --relation PROSPECT')).toContain('Sales manager')
    expect(await say('contact duplicates CT000003')).toContain('CT000001')
    expect(await say('contact unlink CT000002')).not.toMatch(/:warning:/)
    expect(await say('contact link CT000002 CT000001')).not.toMatch(/:warning:/)

    expect(await say('log CT000002 CALL-OUT "Follow-up on the cod offer" --duration 15')).toMatch(/Logged IL00000001/)
    expect(await say('interactions CT000001')).toContain('Follow-up on the cod offer')
    expect(await say('interactions CT000002 --stats')).toMatch(/15/)
    expect(await say('interaction show IL00000001')).toContain('CALL-OUT')
    expect(await say('interaction cancel IL00000001')).not.toMatch(/:warning:/)
    expect(await say('interaction restore IL00000001')).not.toMatch(/:warning:/)
    expect(await bot.database.db.selectFrom('interaction_log_entries').select(['no', 'canceled']).execute()).toEqual([{ no: 'IL00000001', canceled: 0 }])

    expect(await say('opp new CT000002 "50 t of cod for 2027" --value 10000.00 --close-date 2027-03-31')).toContain('OP000001')
    expect(await say('opp show OP000001')).toContain('50 t of cod for 2027')
    expect(await say('opp next OP000001')).toContain('OP000001')
    expect(await say('opp previous OP000001')).toContain('OP000001')
    expect(await say('opp update OP000001 --value 12500 --close-date 2027-04-30')).toContain('12,500.00')
    expect(await say('opp list --status open')).toContain('OP000001')
    expect(await say('opp forecast --from 2027-01-01 --to 2027-12-31')).toMatch(/12,500\.00/)
    expect(await say('opp close OP000001 lost WON-QUALITY')).toMatch(/:warning:/)
    expect(await say('opp close OP000001 lost TIMING --note "Next year"')).not.toMatch(/:warning:/)
    expect(await say('opp next OP000001')).toMatch(/:warning:/)
    expect(await say('opp reopen OP000001 --note "They came back"')).not.toMatch(/:warning:/)
    expect(await bot.database.db.selectFrom('opportunities').select(['no', 'status']).execute()).toEqual([{ no: 'OP000001', status: 'in_progress' }])

    expect(await say('campaign new "Autumn offer 2026" --start 2026-10-01 --end 2026-11-30')).toContain('CP0001')
    expect(await say('segment new "Fishing companies in Iceland" --campaign CP0001')).toContain('SG00001')
    expect(await say('segment add SG00001 industry=FISHING country=IS --expand persons')).toMatch(/SG00001/)
    expect(await say('segment add SG00001 --contact CT000003')).toMatch(/^Added to segment SG00001: \+1 -0, 3 contact/)
    expect(await say('segment remove SG00001 --contact CT000003')).toMatch(/^Removed from segment SG00001: \+0 -1, 2 contact/)
    expect(await say('segment refine SG00001 relation=PROSPECT')).toMatch(/SG00001/)
    expect(await say('segment undo SG00001')).toMatch(/SG00001/)
    expect(await say('segment save-criteria SG00001 FISH-IS "Icelandic fishing"')).toMatch(/FISH-IS/)
    expect(await say('segment contacts SG00001')).toContain('Þóra Guðmundsdóttir')
    expect(await say('segment show SG00001')).toContain('Fishing companies in Iceland')
    expect(await say('segment new "Again"')).toContain('SG00002')
    expect(await say('segment apply-criteria SG00002 FISH-IS')).toMatch(/SG00002/)
    expect(await say('segment list')).toContain('SG00002')
    expect(await say('campaign link-segment CP0001 SG00001')).toMatch(/CP0001/)
    expect(await say('campaign status CP0001 ACTIVE')).toMatch(/ACTIVE|Active/)
    expect(await say('segment log SG00001 LETTER "Catalogue 2027"')).toMatch(/SG00001/)
    expect(await say('campaign respond CP0001 CT000002 "Wants a quote"')).toMatch(/CP0001|IL/)
    expect(await say('campaign stats CP0001')).toMatch(/\d/)
    expect(await say('campaign show CP0001')).toContain('Autumn offer 2026')
    expect(await say('campaign list')).toContain('CP0001')
    expect(await say('segment cancel-log SG00001')).toMatch(/SG00001/)

    expect(await say('contact not-duplicates CT000003 CT000001')).not.toMatch(/:warning:/)
    expect(await say('contact merge CT000003 CT000001')).not.toMatch(/:warning:/)
    expect(await say('contact history CT000001')).toMatch(/\w/)
    expect(await say('contact export CT000002')).toContain('thora@hekla.is')
    // An open opportunity holds the erasure back until it is closed.
    expect(await say('contact erase CT000002')).toMatch(/open opportunity \(OP000001\).*opp close OP000001 lost/)
    expect(await say('opp close OP000001 lost TIMING --note "Erasure request"')).not.toMatch(/:warning:/)
    expect(await say('contact erase CT000002')).toMatch(/--confirm CT000002/)
    expect(await say('contact erase CT000002 --confirm CT000002')).not.toMatch(/:warning:/)
    expect(await bot.database.db.selectFrom('contacts').select(['no', 'name']).where('no', '=', 'CT000002').executeTakeFirst()).not.toMatchObject({ name: 'Þóra Guðmundsdóttir' })
    expect(out.length).toBeGreaterThan(60)
    expect(out.filter((o) => o.includes(':warning:')).map((o) => o.split('\n')[0])).toEqual(['> contact add company "Hekla Utgerd EHF" --website hekla.is', '> opp close OP000001 lost WON-QUALITY', '> opp next OP000001', '> contact erase CT000002'])
  })

  it('answers a segment log with the contacts it skipped', async () => {
    for (const line of ['contact add company "Hekla ehf" --country IS', 'contact add company "Eldey hf" --country IS', 'segment new "Iceland"', 'segment add SG00001 country=IS', 'contact edit CT000002 --exclude-from-segments']) await crm(bot, ADMIN, line)
    expect(await crm(bot, ADMIN, 'segment log SG00001 CALL-OUT "Calls"')).toContain('Logged 1 CALL-OUT interaction(s) for segment SG00001; skipped 1 line(s) whose contact may no longer be in a segment: CT000002 (excluded from segments).')
  })

  it('keeps setup, merge and erase for admins: a linked salesperson is refused and nothing changes', async () => {
    await crm(bot, ADMIN, 'salesperson add SG "Sigrún Gunnarsdóttir"')
    await crm(bot, ADMIN, 'me link SG USIGRUN')
    await crm(bot, 'USIGRUN', 'contact add company "Hekla ehf"')
    await crm(bot, 'USIGRUN', 'contact add company "Hekla hf"')
    const before = { contacts: await count(bot, 'contacts'), codes: await count(bot, 'industry_groups'), salespeople: await count(bot, 'salespeople') }
    for (const line of ['setup set default-country IS', 'setup code add industry-group AQUA "Aquaculture"', 'setup template DEMO "Demo" --group MEETING --channel meeting', 'salesperson add XX "X"', 'contact merge CT000002 CT000001', 'contact erase CT000002 --confirm CT000002', 'contact export CT000001']) {
      expect(await crm(bot, 'USIGRUN', line), line).toContain('is for admins')
    }
    expect({ contacts: await count(bot, 'contacts'), codes: await count(bot, 'industry_groups'), salespeople: await count(bot, 'salespeople') }).toEqual(before)
    expect(await bot.database.db.selectFrom('contacts').select('erased_at').where('no', '=', 'CT000002').executeTakeFirst()).toEqual({ erased_at: null })
  })

  it('refuses every kind of write by an unmapped user, says how to get access, and stores nothing', async () => {
    await crm(bot, ADMIN, 'salesperson add JD "Jane Doe"')
    await crm(bot, ADMIN, `me link JD ${ADMIN}`)
    await crm(bot, ADMIN, 'contact add company "Hekla ehf"')
    await crm(bot, ADMIN, 'opp new CT000001 "Cod" --value 100')
    await crm(bot, ADMIN, 'segment new "S"')
    await crm(bot, ADMIN, 'campaign new "C"')
    const tables = ['contacts', 'interaction_log_entries', 'opportunities', 'opportunity_entries', 'segments', 'segment_lines', 'campaigns', 'change_log']
    const snapshot = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(bot, t)])))
    const before = await snapshot()
    for (const line of ['contact add company "Katla ehf"', 'contact edit CT000001 --city Vík', 'log CT000001 CALL-OUT "Call"', 'opp new CT000001 "More cod"', 'opp next OP000001',
      'segment new "Mine"', 'segment add SG00001 --contact CT000001', 'campaign new "Mine"', 'campaign respond CP0001 CT000001 "Yes"', 'interaction cancel IL00000001']) {
      expect(await crm(bot, 'USTRANGER', line), line).toContain('/crm me link <salesperson> @you')
    }
    expect(await snapshot()).toEqual(before)
    expect(await crm(bot, 'USTRANGER', 'contact show CT000001')).toContain('Hekla ehf')
    expect(await crm(bot, 'USTRANGER', 'opp list')).toContain('OP000001')
  })
})
