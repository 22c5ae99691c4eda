import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectImap, readMailIngestConfig } from '../src/index.ts'
import { dovecotSkipReason, startDovecot, type Dovecot } from './dovecot.ts'

const base = { IMAP_HOST: 'imap.example', IMAP_USER: 'log@example.com', MAIL_AUTHSERV_IDS: 'mx.example' }

describe('IMAP ingester settings', () => {
  it('takes an OAuth2 access token instead of a password', () => {
    const r = readMailIngestConfig({ ...base, IMAP_ACCESS_TOKEN: 'ya29.token' })
    expect(r.problems).toEqual([])
    expect(r.config?.imap).toMatchObject({ accessToken: 'ya29.token', password: '' })
  })

  it('asks for one way to log in, and only one', () => {
    expect(readMailIngestConfig(base).problems).toEqual([expect.stringMatching(/^IMAP_PASSWORD is required, or IMAP_ACCESS_TOKEN \(an OAuth2 access token for XOAUTH2/)])
    expect(readMailIngestConfig({ ...base, IMAP_PASSWORD: 'x', IMAP_ACCESS_TOKEN: 'y' }).problems).toEqual(['Give one way to log in to IMAP, not IMAP_PASSWORD and IMAP_ACCESS_TOKEN.'])
  })

  it('takes folder names and refuses to move messages into the folder being watched', () => {
    const r = readMailIngestConfig({ ...base, IMAP_PASSWORD: 'x', IMAP_MAILBOX: 'CRM', IMAP_PROCESSED_FOLDER: 'CRM/Done', IMAP_REJECTED_FOLDER: 'crm' })
    expect(r.problems).toEqual(['IMAP_REJECTED_FOLDER is "crm", the folder being watched (IMAP_MAILBOX); give another folder, e.g. IMAP_REJECTED_FOLDER=CRM/Rejected.'])
    const ok = readMailIngestConfig({ ...base, IMAP_PASSWORD: 'x', IMAP_PROCESSED_FOLDER: 'CRM/Done' })
    expect(ok.config?.imap.folders).toEqual({ processed: 'CRM/Done', unmatched: 'Unmatched', rejected: 'Rejected' })
  })

  it('takes microsoft365 among the authserv-ids and refuses one that is not a host name', () => {
    expect(readMailIngestConfig({ ...base, IMAP_PASSWORD: 'x', MAIL_AUTHSERV_IDS: 'mx.example.com, microsoft365' }).config?.ingest.authservIds).toEqual(['mx.example.com', 'microsoft365'])
    expect(readMailIngestConfig({ ...base, IMAP_PASSWORD: 'x', MAIL_AUTHSERV_IDS: 'mx.example.com;dmarc=pass' }).problems).toEqual(['MAIL_AUTHSERV_IDS: "dmarc=pass" is not an authserv-id (a host name such as mx.example.com, or microsoft365).'])
  })

  it('takes an excerpt length from 0 to 2000', () => {
    expect(readMailIngestConfig({ ...base, IMAP_PASSWORD: 'x', MAIL_EXCERPT_CHARS: '300' }).config?.ingest.excerptChars).toBe(300)
    expect(readMailIngestConfig({ ...base, IMAP_PASSWORD: 'x', MAIL_EXCERPT_CHARS: 'lots' }).problems).toEqual(['MAIL_EXCERPT_CHARS is a whole number of characters from 0 (no excerpt) to 2000, not "lots".'])
  })

  it('checks that a token file can be read and is not empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-token-'))
    try {
      const empty = join(dir, 'empty')
      writeFileSync(empty, '\n')
      expect(readMailIngestConfig({ ...base, IMAP_ACCESS_TOKEN_FILE: empty }).problems).toEqual([`IMAP_ACCESS_TOKEN_FILE: ${empty} is empty; it should hold the access token.`])
      expect(readMailIngestConfig({ ...base, IMAP_ACCESS_TOKEN_FILE: join(dir, 'nope') }).problems).toEqual([`IMAP_ACCESS_TOKEN_FILE: cannot read ${join(dir, 'nope')} (ENOENT).`])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

const skip = dovecotSkipReason()

describe.skipIf(!!skip)(`XOAUTH2 against Dovecot with an OAuth2 introspection endpoint${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dovecot: Dovecot
  let issuer: Server
  const valid = new Map<string, string>([['good-token', 'oauth-user'], ['rotated-token', 'oauth-user']])
  const seen: string[] = []
  beforeAll(async () => {
    // The token issuer's introspection endpoint (RFC 7662), as Dovecot's oauth2 passdb calls it.
    issuer = createServer((req, res) => {
      let body = ''
      req.on('data', (d) => (body += d))
      req.on('end', () => {
        const token = new URLSearchParams(body).get('token') ?? (req.headers.authorization ?? '').replace(/^Bearer /, '')
        seen.push(token)
        const user = valid.get(token)
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(user ? { active: true, username: user } : { active: false }))
      })
    })
    await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', () => r()))
    dovecot = await startDovecot({ oauth2IntrospectionUrl: `http://127.0.0.1:${(issuer.address() as { port: number }).port}/introspect` })
  })
  afterAll(async () => {
    await dovecot?.stop()
    await new Promise((r) => issuer?.close(r))
  })

  const settings = (over: object) => ({ host: '127.0.0.1', port: dovecot.port, secure: false, user: 'oauth-user', password: '', mailbox: 'INBOX', pollSeconds: 30, ...over })

  it('logs in with XOAUTH2 using the access token, and is refused with a bad one', async () => {
    const client = await connectImap(settings({ accessToken: 'good-token' }))
    try {
      expect(client.authenticated).toBeTruthy()
      expect((await client.list()).map((m) => m.path)).toContain('INBOX')
    } finally {
      await client.logout()
    }
    expect(seen).toContain('good-token')
    await expect(connectImap(settings({ accessToken: 'expired-token' }))).rejects.toMatchObject({ authenticationFailed: true })
  })

  it('reads the token file at every login, so a refresher can rotate it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-token-'))
    const file = join(dir, 'token')
    try {
      writeFileSync(file, 'expired-token\n')
      await expect(connectImap(settings({ accessTokenFile: file }))).rejects.toMatchObject({ authenticationFailed: true })
      writeFileSync(file, 'rotated-token\n')
      const client = await connectImap(settings({ accessTokenFile: file }))
      expect(client.authenticated).toBeTruthy()
      await client.logout()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
