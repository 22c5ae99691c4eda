import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '@crm/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDemo } from '../src/demo/run-demo.ts'
import { resolveStaticPath, serveStatic } from '../src/demo/static-server.ts'
import { messages } from '../src/messages.ts'
import { crm, tempSqliteUrl } from './run-cli.ts'

function capture(env: NodeJS.ProcessEnv) {
  const out = { stdout: '', stderr: '' }
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env } }
}

describe('npm run demo -- --no-serve', () => {
  let db: ReturnType<typeof tempSqliteUrl>
  let site: string
  let first: { code: number; stdout: string; stderr: string }
  beforeAll(async () => {
    db = tempSqliteUrl()
    site = join(db.dir, 'site')
    const { out, io } = capture({ DATABASE_URL: db.url })
    const run = await runDemo(['--no-serve', '--out', site], io)
    first = { code: run.code, ...out }
    expect(run.server).toBeUndefined()
  }, 120_000)
  afterAll(() => db.cleanup())

  it('loads segments and campaigns through the use cases', async () => {
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    const database = await openDatabase(db.url)
    try {
      const segments = await database.db.selectFrom('segments').select(['no', 'campaign_no', 'logged_at']).orderBy('no').execute()
      expect(segments.length).toBeGreaterThanOrEqual(4)
      // Built by filter steps, not inserted lines.
      const steps = await database.db.selectFrom('segment_steps').select(['segment_no', 'action', 'criteria']).execute()
      expect(steps.filter((s) => s.segment_no === 'SG00002').map((s) => s.action)).toEqual(['add', 'remove', 'refine'])
      const logged = segments.filter((s) => s.logged_at && s.campaign_no)
      expect(logged.length).toBeGreaterThanOrEqual(1)
      const campaigns = await database.db.selectFrom('campaigns').select(['no', 'status_code']).orderBy('no').execute()
      expect(new Set(campaigns.map((c) => c.status_code))).toEqual(new Set(['DONE', 'ACTIVE', 'PLANNED']))
      const responses = await database.db.selectFrom('interaction_log_entries').select('no').where('campaign_response', '=', 1).execute()
      expect(responses.length).toBeGreaterThan(0)
      const campaignOpps = await database.db.selectFrom('opportunities').select('no').where('campaign_no', 'is not', null).execute()
      expect(campaignOpps.length).toBeGreaterThan(0)
    } finally {
      await database.close()
    }
    const stats = await crm(['--db', db.url, 'campaign', 'stats', 'CP0002', '--json'])
    expect(stats.json()).toMatchObject({ campaignNo: 'CP0002', targets: expect.any(Number), responses: expect.any(Number), opportunities: 4 })
    expect(stats.json().wonValue).toBeGreaterThan(0)
  })

  it('ingests the sample emails: logged with source email, one unmatched, one ignored, one rejected', async () => {
    expect(first.stdout).toMatch(/01-gmail-forward-en\.eml\s+logged\s+CT000007/)
    expect(first.stdout).toMatch(/06-unmatched\.eml\s+unmatched/)
    expect(first.stdout).toMatch(/07-auto-reply-ru\.eml\s+ignored/)
    expect(first.stdout).toMatch(/08-not-authenticated\.eml\s+rejected/)
    const database = await openDatabase(db.url)
    try {
      const mail = await database.db.selectFrom('interaction_log_entries').select(['contact_no', 'subject', 'template_code', 'external_ref']).where('source', '=', 'email').orderBy('no').execute()
      expect(mail).toEqual([
        expect.objectContaining({ contact_no: 'CT000007', subject: 'Samples for the Hull plant', template_code: 'EMAIL-IN', external_ref: expect.stringMatching(/^sha256:/) }),
        expect.objectContaining({ contact_no: 'CT000005', subject: 'Поставка трески в декабре', template_code: 'EMAIL-IN' }),
        expect.objectContaining({ contact_no: 'CT000003', subject: 'Löndun í næstu viku', template_code: 'EMAIL-IN' }),
        expect.objectContaining({ contact_no: 'CT000002', subject: 'Tilboð: 20 tonn af þorski', template_code: 'EMAIL-OUT', external_ref: '<CAbcc-demo-04@mail.gmail.com>' }),
        expect.objectContaining({ contact_no: 'CT000008', subject: 'Tilboð: 20 tonn af þorski', template_code: 'EMAIL-OUT' }),
        expect.objectContaining({ contact_no: 'CT000006', subject: 'Invoice address for the December order', template_code: 'EMAIL-IN' }),
      ])
    } finally {
      await database.close()
    }
  })

  it('builds the reports site with the demo names', () => {
    const index = join(site, 'index.html')
    expect(existsSync(index)).toBe(true)
    const html = readdirSync(site).filter((f) => f.endsWith('.html')).map((f) => readFileSync(join(site, f), 'utf8')).join('\n')
    expect(html).toContain('Sigrún Gunnarsdóttir')
    expect(html).toContain('Mark Bennett')
    expect(first.stdout).toMatch(/Ready in \d+\.\d s/)
  })

  it('keeps the production default: the same sample mail is rejected by crm mail ingest without MAIL_AUTHSERV_IDS', async () => {
    const r = await crm(['--db', db.url, 'mail', 'ingest', join(import.meta.dirname, '..', 'demo-mail', '01-gmail-forward-en.eml'), '--json'])
    expect(r.json().messages[0]).toMatchObject({ outcome: 'rejected' })
  })

  it('prints tips that all work on the demo data', async () => {
    expect(first.stdout).toContain('Try next:')
    for (const [tip] of messages.demo.tips) {
      expect(first.stdout).toContain(tip)
      const words = tip.split(' ')
      const env: NodeJS.ProcessEnv = {}
      while (/^[A-Z_]+=/.test(words[0]!)) {
        const [key, value] = words.shift()!.split('=')
        env[key!] = value
      }
      expect(words.slice(0, 2)).toEqual(['npx', 'crm'])
      const args = words.slice(2).map((w) => (w === 'apps/cli/demo-mail' ? join(import.meta.dirname, '..', 'demo-mail') : w))
      const r = await crm(['--db', db.url, ...args], env)
      expect({ tip, code: r.code, stderr: r.stderr }).toEqual({ tip, code: 0, stderr: '' })
      if (args[1] === 'ingest') expect(r.stdout).toMatch(/5 already-logged, 1 unmatched, 1 ignored, 1 rejected/)
      if (args[1] === 'unmatched') expect(r.stdout).toMatch(/1 participant\(s\) waiting for review/)
    }
  })

  it('says so politely when run again, and --reset loads it afresh', async () => {
    const again = capture({ DATABASE_URL: db.url })
    const run = await runDemo(['--no-serve', '--out', join(db.dir, 'site2'), '--reset'], again.io)
    expect(again.out.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(again.out.stdout).toContain('Deleted the demo database')
    expect(again.out.stdout).toMatch(/08-not-authenticated\.eml\s+rejected/)
    const count = await crm(['--db', db.url, 'interaction', 'show', 'IL00000001', '--json'])
    expect(count.code).toBe(0)
  }, 120_000)

  it('refuses to reset a database that is not the demo, and refuses unknown arguments', async () => {
    const other = tempSqliteUrl()
    try {
      await crm(['--db', other.url, 'contact', 'add', 'company', 'Real Customer hf'])
      const { out, io } = capture({ DATABASE_URL: other.url })
      expect((await runDemo(['--no-serve', '--reset'], io)).code).toBe(1)
      expect(out.stderr).toMatch(/contacts of its own, not the demo data/)
      const notDemo = capture({ DATABASE_URL: other.url })
      expect((await runDemo(['--no-serve'], notDemo.io)).code).toBe(1)
      expect(notDemo.out.stdout).toMatch(/already has 1 contacts of its own/)
      const bad = capture({ DATABASE_URL: other.url })
      expect((await runDemo(['--serve-forever'], bad.io)).code).toBe(1)
      expect(bad.out.stderr).toContain('"--serve-forever" is not an option of npm run demo')
      // The build empties its folder: never a folder of someone's files.
      writeFileSync(join(other.dir, 'notes.txt'), 'mine')
      const mine = capture({ DATABASE_URL: other.url })
      expect((await runDemo(['--no-serve', '--out', other.dir], mine.io)).code).toBe(1)
      expect(mine.out.stderr).toContain('holds other files (and no index.html)')
      expect(readFileSync(join(other.dir, 'notes.txt'), 'utf8')).toBe('mine')
    } finally {
      other.cleanup()
    }
  })
})

describe('the demo static server', () => {
  it('serves a folder on loopback, pages without .html, never outside the folder', async () => {
    const tmp = tempSqliteUrl()
    const root = join(tmp.dir, 'site')
    mkdirSync(root)
    writeFileSync(join(root, 'index.html'), '<h1>Þóra</h1>')
    writeFileSync(join(root, 'pipeline.html'), '<h1>Pipeline</h1>')
    writeFileSync(join(tmp.dir, 'secret.txt'), 'no')
    expect(resolveStaticPath(root, '/../secret.txt')).toBeUndefined()
    expect(resolveStaticPath(root, '/%2e%2e/secret.txt')).toBeUndefined()
    const server = await serveStatic(root, 0)
    try {
      const index = await fetch(server.url)
      expect(index.headers.get('content-type')).toContain('text/html')
      expect(await index.text()).toBe('<h1>Þóra</h1>')
      expect(await (await fetch(`${server.url}pipeline`)).text()).toBe('<h1>Pipeline</h1>')
      expect((await fetch(`${server.url}nope.html`)).status).toBe(404)
    } finally {
      await server.close()
      tmp.cleanup()
    }
  })
})
