import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { addSalesperson, createContact, createCoreDeps, DEFAULT_FREE_MAIL_DOMAINS, listOutbox, type CoreDeps } from '@crm/core'
import type { CrmDatabase } from '@crm/db'
import { createTestDatabase } from '@crm/db/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { connectImap, ensureFolders, ingestMailboxOnce, ingestMessage, type IngestSettings } from '../src/index.ts'
import { dovecotSkipReason, startDovecot, type Dovecot } from './dovecot.ts'

const settings: IngestSettings = { teamDomains: ['team.example'], freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS], ownAddresses: ['log@team.example'], authservIds: ['mx.team.example'], ack: true }
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name))
const admin = { id: 'test', isAdmin: true }
const skip = dovecotSkipReason()

describe.skipIf(!!skip)(`acknowledgments across IMAP and file ingest${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dovecot: Dovecot
  let database: CrmDatabase
  let deps: CoreDeps
  beforeAll(async () => {
    dovecot = await startDovecot()
  })
  afterAll(async () => {
    await dovecot?.stop()
  })
  beforeEach(async () => {
    database = await createTestDatabase('sqlite')
    deps = createCoreDeps(database, { clock: () => new Date('2026-11-20T10:00:00Z') })
    await addSalesperson(deps, admin, { code: 'ANNA', name: 'Anna Sales', email: 'anna@team.example' })
    const hekla = await createContact(deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is' })
    await createContact(deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: hekla.contact.no, email: 'thora@hekla.is' })
  })
  afterEach(async () => {
    await database?.close()
  })

  it('acknowledges a message once whether it came as a file, over IMAP, or over IMAP again after a restart', async () => {
    const raw = fixture('gmail-forward-en.eml')
    expect((await ingestMessage(deps, settings, raw)).outcome).toBe('logged')
    const user = `ack${process.pid}`
    for (let restart = 0; restart < 2; restart++) {
      // A new connection each round, as after a restart; the message is put back in the queue folder.
      const client = await connectImap({ host: '127.0.0.1', port: dovecot.port, secure: false, user, password: dovecot.password, mailbox: 'INBOX', pollSeconds: 30 })
      try {
        await ensureFolders(client)
        await client.append('INBOX', raw)
        const results = await ingestMailboxOnce(client, deps, settings, 'INBOX', deps.logger)
        expect(results.map((r) => r.outcome)).toEqual(['already-logged'])
      } finally {
        await client.logout()
      }
    }
    const { items } = await listOutbox(deps)
    expect(items.map((i) => [i.kind, i.to, i.subject])).toEqual([['ack', 'anna@team.example', 'Logged: Quote for 20 tonnes']])
    expect(await database.db.selectFrom('mail_acks').select(['message_ref', 'outcome']).execute()).toEqual([{ message_ref: '<fwd-1@team.example>', outcome: 'logged' }])
  })
})
