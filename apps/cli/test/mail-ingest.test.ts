import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, sql } from '@crm/db'
import { createTestPgUrl, describeEachDialect } from '@crm/db/testing'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { crm, tempSqliteUrl } from './run-cli.ts'

const fixtures = join(import.meta.dirname, '..', '..', 'mail-ingest', 'test', 'fixtures')
const env = { MAIL_AUTHSERV_IDS: 'mx.team.example', MAIL_TEAM_DOMAINS: 'team.example', MAIL_OWN_ADDRESSES: 'log@team.example' }

describeEachDialect('crm mail ingest', (dialect) => {
  let db: { url: string; dir: string; cleanup(): void | Promise<void> }
  const run = (...args: string[]) => crm(['--db', db.url, ...args], env)
  beforeEach(async () => {
    db = tempSqliteUrl()
    if (dialect === 'postgres') {
      const pgDb = await createTestPgUrl()
      const files = db
      db = { url: pgDb.url, dir: files.dir, cleanup: async () => (files.cleanup(), await pgDb.drop()) }
    }
    await run('salesperson', 'add', 'ANNA', 'Anna Sales', '--email', 'anna@team.example')
    await run('contact', 'add', 'company', 'Hekla Útgerð ehf', '--website', 'hekla.is')
    await run('contact', 'add', 'person', 'Þóra Guðmundsdóttir', '--company', 'CT000001', '--email', 'thora@hekla.is')
  })
  afterEach(async () => {
    await db.cleanup()
  })

  it('logs one .eml and prints the outcome; the second run is a no-op', async () => {
    const file = join(fixtures, 'gmail-forward-en.eml')
    const first = await run('mail', 'ingest', file, '--json')
    expect(first.code).toBe(0)
    expect(first.json().messages).toEqual([expect.objectContaining({ outcome: 'logged', contacts: ['CT000002'], interactions: ['IL00000001'], reason: null })])
    const again = await run('mail', 'ingest', file)
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('already-logged')
    const history = await run('interactions', 'CT000002', '--json')
    expect(history.json().interactions).toHaveLength(1)
  })

  it('ingests a folder and an mbox, one outcome per message', async () => {
    const folder = join(db.dir, 'mail')
    mkdirSync(folder)
    for (const n of ['gmail-forward-en.eml', 'auto-reply.eml', 'spoofed-forward.eml', 'unmatched.eml']) copyFileSync(join(fixtures, n), join(folder, n))
    const r = await run('mail', 'ingest', folder, '--json')
    expect(r.code).toBe(0)
    expect(r.json().messages.map((m: { outcome: string }) => m.outcome)).toEqual(['ignored', 'logged', 'rejected', 'unmatched'])
    const mbox = join(db.dir, 'Sent.mbox')
    const parts = ['bcc-outgoing.eml', 'direct-inbound.eml'].map((n) => `From MAILER-DAEMON Thu Nov 19 14:30:00 2026\n${readFileSync(join(fixtures, n), 'latin1')}\n`)
    writeFileSync(mbox, parts.join(''), 'latin1')
    const m = await run('mail', 'ingest', mbox, '--json')
    expect(m.json().messages).toEqual([
      expect.objectContaining({ file: expect.stringMatching(/Sent\.mbox#1$/), outcome: 'logged', kind: 'bcc', contacts: ['CT000002'] }),
      expect.objectContaining({ file: expect.stringMatching(/Sent\.mbox#2$/), outcome: 'logged', kind: 'direct', contacts: ['CT000002'] }),
    ])
  })

  it('goes on past a message that breaks something unexpected: it ends invalid with a reference to the log', async () => {
    // The database refuses one message's entry (a trigger stands in for a bug or data it cannot store).
    const handle = await openDatabase(db.url)
    if (dialect === 'sqlite') {
      await sql`create trigger poison before insert on interaction_log_entries when new.subject = 'Hello' begin select raise(abort, 'poisoned entry'); end`.execute(handle.db)
    } else {
      await sql`create function poison() returns trigger language plpgsql as $$ begin if new.subject = 'Hello' then raise exception 'poisoned entry'; end if; return new; end $$`.execute(handle.db)
      await sql`create trigger poison before insert on interaction_log_entries for each row execute function poison()`.execute(handle.db)
    }
    await handle.close()
    await run('contact', 'add', 'person', 'Stranger', '--email', 'stranger@gmail.com')
    const folder = join(db.dir, 'mixed')
    mkdirSync(folder)
    for (const n of ['gmail-forward-en.eml', 'unmatched.eml', 'direct-inbound.eml']) copyFileSync(join(fixtures, n), join(folder, n))
    const r = await run('mail', 'ingest', folder, '--json')
    expect(r.code).toBe(0)
    const outcomes = r.json().messages.map((m: { file: string; outcome: string; reason: string | null }) => [m.file.split('/').pop(), m.outcome, m.reason])
    expect(outcomes).toEqual([
      ['direct-inbound.eml', 'logged', null],
      ['gmail-forward-en.eml', 'logged', null],
      ['unmatched.eml', 'invalid', expect.stringMatching(/unexpected error.*ref [0-9a-f]{8}/i)],
    ])
  })

  it('refuses a missing path with a clear message and exit code 1', async () => {
    const r = await run('mail', 'ingest', join(db.dir, 'nope.eml'))
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/There is no file or folder .*nope\.eml/)
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/)
  })
  it('reviews an unmatched participant: list, assign once, create a contact, dismiss, with clear refusals', async () => {
    expect((await run('mail', 'unmatched')).stdout).toContain('No email participant is waiting for review.')
    const ingested = await run('mail', 'ingest', join(fixtures, 'unmatched.eml'), '--json')
    expect(ingested.json().messages[0]).toMatchObject({ outcome: 'unmatched', unmatched: ['stranger@gmail.com'] })
    const list = await run('mail', 'unmatched', '--json')
    expect(list.json().items).toEqual([expect.objectContaining({ id: 1, address: 'stranger@gmail.com', name: 'Stranger', subject: 'Hello', status: 'waiting' })])
    expect((await run('mail', 'unmatched')).stdout).toMatch(/1 participant\(s\) waiting for review[\s\S]*stranger@gmail\.com[\s\S]*Hello/)
    const assigned = await run('mail', 'assign', '1', 'CT000002')
    expect(assigned.code).toBe(0)
    expect(assigned.stdout).toMatch(/Logged "Hello" on CT000002 as IL\d+; review item 1 is closed\./)
    const twice = await run('mail', 'assign', '1', 'CT000002')
    expect(twice.code).toBe(1)
    expect(twice.stderr).toMatch(/Review item 1 \(stranger@gmail\.com\) was already assigned to CT000002 on \d{4}-\d\d-\d\d by /)
    expect((await run('interactions', 'CT000002', '--json')).json().interactions).toHaveLength(1)
    const unknown = await run('mail', 'dismiss', '42')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('There is no review item 42. See the waiting ones with: mail unmatched')

    const second = join(db.dir, 'second.eml')
    writeFileSync(second, readFileSync(join(fixtures, 'unmatched.eml'), 'utf8').replace('unm-1@', 'unm-2@').replace(/Stranger <stranger@gmail.com>/, '"Jón Jónsson" <jon@gmail.com>'))
    await run('mail', 'ingest', second)
    const created = await run('mail', 'create-contact', '2', '--company', 'CT000001', '--job-title', 'Skipper', '--json')
    expect(created.code).toBe(0)
    expect(created.json()).toMatchObject({ createdContactNo: 'CT000003', item: { status: 'created', contactNo: 'CT000003' } })
    const card = (await run('contact', 'show', 'CT000003', '--json')).json()
    expect(JSON.stringify(card)).toContain('jon@gmail.com')
    expect(JSON.stringify(card)).toContain('Jón Jónsson')

    const third = join(db.dir, 'third.eml')
    writeFileSync(third, readFileSync(join(fixtures, 'unmatched.eml'), 'utf8').replace('unm-1@', 'unm-3@').replace(/stranger@gmail.com/, 'spam@gmail.com'))
    await run('mail', 'ingest', third)
    expect((await run('mail', 'dismiss', '3')).stdout).toContain('Dismissed review item 3 (spam@gmail.com); nothing was logged.')
    expect((await run('mail', 'unmatched', '--all', '--json')).json().items.map((i: { status: string }) => i.status)).toEqual(['assigned', 'created', 'dismissed'])
  })
})
