import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCoreDeps, runCommand } from '@crm/core'
import { openDatabase } from '@crm/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTransferCommands } from '../src/commands/transfer-commands.ts'
import { main } from '../src/main.ts'

let dir: string
let dbUrl: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crm-transfer-'))
  dbUrl = `sqlite:${join(dir, 'crm.sqlite')}`
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Runs `crm --db <url> ...args` with in-memory streams. */
async function crm(args: string[], db = dbUrl) {
  const out = { stdout: '', stderr: '' }
  const io = {
    stdout: { write: (chunk: string) => (out.stdout += chunk) },
    stderr: { write: (chunk: string) => (out.stderr += chunk) },
    env: {},
  }
  const code = await main(['--db', db, ...args], io)
  return { code, ...out }
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

async function listContacts(db = dbUrl): Promise<Array<Record<string, unknown>>> {
  const r = await crm(['contact', 'list', '--limit', '1000', '--json'], db)
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout).contacts
}

const GOOD_CSV = [
  'type,name,first_name,surname,company,address,city,country,email,relations',
  'company,"Hekla Útgerð, ehf",,,,"Laugavegur 1',
  'bakhús",Reykjavík,IS,info@hekla.is,CUST|PROSPECT',
  'person,,Þóra,Guðmundsdóttir,"Hekla Útgerð, ehf",,,,thora@hekla.is,',
  'person,"Ирина ""Ира"" Петрова",,,,,Москва,RU,irina@example.ru,',
].join('\r\n')

describe('crm import contacts', () => {
  it('imports a CSV with Icelandic and Russian names, quotes and line breaks', async () => {
    const r = await crm(['import', 'contacts', file('contacts.csv', '\ufeff' + GOOD_CSV)])
    expect(r).toMatchObject({ code: 0, stderr: '' })
    expect(r.stdout).toBe('Imported 3 contacts (CT000001–CT000003), 1 of them a company.\n')
    const found = await crm(['contact', 'find', 'gudmunds', '--json'])
    expect(JSON.parse(found.stdout).contacts).toMatchObject([{ no: 'CT000002', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001', address: 'Laugavegur 1 bakhús' }])
    const irina = await crm(['contact', 'find', 'ира', '--json'])
    expect(JSON.parse(irina.stdout).contacts).toMatchObject([{ no: 'CT000003', name: 'Ирина "Ира" Петрова', city: 'Москва' }])
  })

  it('reports both bad rows with their lines and stores nothing', async () => {
    await crm(['contact', 'add', 'company', 'Existing ehf'])
    const before = (await listContacts()).length
    const csv = ['type,name,email,country', 'company,Good ehf,good@hekla.is,IS', 'company,Bad mail ehf,x@,IS', 'company,Also good ehf,,IS', 'company,Bad country ehf,,Atlantis'].join('\n')
    const r = await crm(['import', 'contacts', file('bad.csv', csv)])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('Nothing was imported: the file has 2 problems.')
    expect(r.stderr).toContain('line 3, email: "x@" is not an email address.')
    expect(r.stderr).toContain('line 5, country: "ATLANTIS" is not a two-letter ISO country code.')
    expect((await listContacts()).length).toBe(before)
  })

  it('names an unknown column and lists the accepted ones', async () => {
    const r = await crm(['import', 'contacts', file('fax.csv', 'name,fax\nHekla,555 1234\n')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('Unknown column "fax" in the header (line 1). Accepted columns: type, name, first_name,')
    expect(await listContacts()).toEqual([])
  })

  it('imports vCards with a folded line and a person joining the company named by ORG', async () => {
    await crm(['contact', 'add', 'company', 'Hekla Útgerð ehf', '--city', 'Reykjavík'])
    const vcf = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'N:Guðmundsdóttir;Þóra;;;',
      'FN:Þóra Guðmundsdóttir',
      'ORG:Hekla Útgerð ehf',
      'EMAIL;TYPE=WORK:thora@hekla.is',
      'TEL;TYPE=CELL:+354 777 1234',
      'TITLE:Sölustjóri á Norður',
      ' landi',
      'END:VCARD',
      '',
    ].join('\r\n')
    const r = await crm(['import', 'contacts', file('thora.vcf', vcf)])
    expect(r).toMatchObject({ code: 0, stdout: 'Imported 1 contact (CT000002).\n' })
    const shown = JSON.parse((await crm(['contact', 'show', 'CT000002', '--json'])).stdout)
    expect(shown.contact).toMatchObject({
      companyNo: 'CT000001',
      mobile: '+354 777 1234',
      city: 'Reykjavík',
      jobTitle: 'Sölustjóri á Norðurlandi',
    })
  })

  it('says which file is missing, and asks for --format when the extension does not tell', async () => {
    const missing = join(dir, 'nope.csv')
    const r = await crm(['import', 'contacts', missing])
    expect(r).toMatchObject({ code: 1, stderr: `Error: Cannot read ${missing}: there is no such file.\n` })
    const txt = file('contacts.txt', GOOD_CSV)
    expect((await crm(['import', 'contacts', txt])).stderr).toContain(`Cannot tell the format of ${txt} from its name; add --format csv or --format vcf.`)
    expect((await crm(['import', 'contacts', txt, '--format', 'csv'])).code).toBe(0)
  })

  it('reads a Windows-1252 CSV as older Excel saves it', async () => {
    const r = await crm(['import', 'contacts', file('excel.csv', Buffer.from('name;city\r\nÞór ehf;Reykjavík\r\n', 'latin1'))])
    expect(r.code).toBe(0)
    expect((await listContacts())[0]).toMatchObject({ name: 'Þór ehf', city: 'Reykjavík' })
  })

  it('prints the result and errors as JSON with --json', async () => {
    const path = file('contacts.csv', GOOD_CSV)
    const ok = await crm(['import', 'contacts', path, '--json'])
    expect(JSON.parse(ok.stdout)).toEqual({ file: path, format: 'csv', created: 3, nos: ['CT000001', 'CT000003'], companiesCreated: 1 })
    const bad = await crm(['--json', 'import', 'contacts', file('bad.csv', 'name,email\nAnna,anna@\n')])
    expect(bad.code).toBe(1)
    const error = JSON.parse(bad.stdout).error
    expect(error.code).toBe('IMPORT_INVALID')
    expect(error.message).toContain('line 2, email: "anna@" is not an email address.')
    // Every problem by line, field and reason, for a program to show against the file.
    expect(error.details.errors).toEqual([{ line: 2, field: 'email', reason: '"anna@" is not an email address.' }])
    const exported = JSON.parse((await crm(['export', 'contacts', '--json'])).stdout)
    expect(exported).toMatchObject({ format: 'csv', count: 3 })
    expect(exported.content.split('\r\n')[1]).toBe('company,"Hekla Útgerð, ehf",,,,,,Laugavegur 1 bakhús,,,Reykjavík,,IS,,,info@hekla.is,,,,,,CUST|PROSPECT,,,,no,no,,')
  })

  it('refuses to import the same file twice, naming the lines and the contacts they look like, unless --allow-duplicates', async () => {
    const path = file('contacts.csv', GOOD_CSV)
    expect((await crm(['import', 'contacts', path])).code).toBe(0)
    const again = await crm(['import', 'contacts', path])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('Nothing was imported: 3 lines look like contacts already in the CRM or on a line above')
    expect(again.stderr).toContain('line 2, Hekla Útgerð, ehf: looks like CT000001 Hekla Útgerð, ehf (same name, same email')
    expect(again.stderr).toContain('line 5, Ирина "Ира" Петрова: looks like CT000003')
    const json = JSON.parse((await crm(['import', 'contacts', path, '--json'])).stdout).error
    expect(json.code).toBe('IMPORT_DUPLICATES')
    expect(json.details.duplicates.map((d: { line: number; contacts: Array<{ no: string }> }) => [d.line, d.contacts.map((c) => c.no)])).toEqual([[2, ['CT000001']], [4, ['CT000002']], [5, ['CT000003']]])
    expect(await listContacts()).toHaveLength(3)
    const allowed = await crm(['import', 'contacts', path, '--allow-duplicates'])
    expect(allowed.code).toBe(0)
    expect(allowed.stdout.trim()).toBe('Imported 3 contacts (CT000004–CT000006), 1 of them a company. Lines 2, 4, 5 look like other contacts; see them with: crm contact duplicates <no>')
    expect(await listContacts()).toHaveLength(6)
  })

  it('draws a progress bar on a terminal for more than 500 rows only', async () => {
    const database = await openDatabase(':memory:')
    try {
      const ctx = { deps: createCoreDeps(database), actor: { id: 'test', isAdmin: true }, source: 'test' as const }
      const rows = (n: number, from: number) => ['name', ...Array.from({ length: n }, (_, i) => `Company ${from + i} ehf`)].join('\n')
      const run = async (stream: { write(c: string): unknown; isTTY?: boolean }, n: number, from: number) =>
        runCommand(ctx, ['import', 'contacts', file(`rows-${from}.csv`, rows(n, from))], createTransferCommands(stream))

      let tty = ''
      await run({ isTTY: true, write: (c) => (tty += c) }, 600, 0)
      expect(tty).toContain('\rImporting [------------------------------] 0/600')
      expect(tty).toMatch(/\rImporting \[#{30}\] 600\/600\n$/)

      let small = ''
      await run({ isTTY: true, write: (c) => (small += c) }, 500, 1000)
      let piped = ''
      await run({ isTTY: false, write: (c) => (piped += c) }, 600, 2000)
      expect([small, piped]).toEqual(['', ''])
    } finally {
      await database.close()
    }
  })
})

describe('crm export contacts', () => {
  it('writes a CSV that imports into an empty database as the same contacts', async () => {
    await crm(['import', 'contacts', file('contacts.csv', GOOD_CSV)])
    await crm(['contact', 'add', 'person', 'Jón Jónsson', '--company', 'CT000001', '--mobile', '+354 666 0000', '--job', 'SALES', '--privacy-blocked'])
    const out = join(dir, 'export.csv')
    const r = await crm(['export', 'contacts', '--out', out])
    expect(r).toMatchObject({ code: 0, stdout: `Exported 4 contacts to ${out}.\n` })
    const other = `sqlite:${join(dir, 'other.sqlite')}`
    expect((await crm(['import', 'contacts', out], other)).stdout).toContain('Imported 4 contacts')
    const strip = (list: Array<Record<string, unknown>>) => list.map(({ no, companyNo, createdAt, modifiedAt, ...rest }) => rest)
    expect(strip(await listContacts(other))).toEqual(strip(await listContacts()))
    const jonNo = (await listContacts(other)).find((c) => c.name === 'Jón Jónsson')!.no as string
    const jon = JSON.parse((await crm(['contact', 'show', jonNo, '--json'], other)).stdout)
    expect(jon.classifications['job-responsibility']).toEqual(['SALES'])
    expect(readFileSync(out, 'utf8').startsWith('type,name,first_name,')).toBe(true)
  })

  it('prints vCard 4.0 to stdout, one card per contact', async () => {
    await crm(['import', 'contacts', file('contacts.csv', GOOD_CSV)])
    const r = await crm(['export', 'contacts', '--format', 'vcf'])
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Hekla Útgerð\\, ehf\r\n')).toBe(true)
    expect(r.stdout.match(/BEGIN:VCARD/g)).toHaveLength(3)
    expect(r.stdout).toContain('FN:Ирина "Ира" Петрова\r\n')
    expect(r.stdout.endsWith('END:VCARD\n')).toBe(true)
  })

  it('names a file it cannot write and rejects an unknown format', async () => {
    const out = join(dir, 'no-such-dir', 'x.csv')
    const r = await crm(['export', 'contacts', '--out', out])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`Cannot write ${out}:`)
    expect((await crm(['export', 'contacts', '--format', 'xlsx'])).stderr).toContain('--format is csv or vcf, not "xlsx".')
  })
})
