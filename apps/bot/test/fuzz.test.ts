import { addSalesperson, createContact, DEFAULT_FREE_MAIL_DOMAINS, listInteractionTemplates, listSalesCycles, logEmail, mulberry32, silentLogger, type CoreDeps } from '@crm/core'
import { describe, expect, it } from 'vitest'
import { logInteractionModal, mailAssignModal, mailCreateContactModal, newContactModal, newOpportunityModal } from '../src/blocks/modal-views.ts'
import { ADMIN, postPayload, postSigned, runSlash, slashCommandBody, submission, useBot } from './harness.ts'

const PREFIXES = [
  '', 'help', 'help contact', 'help opp next', 'contact', 'contact add', 'contact add company', 'contact add person', 'contact show', 'contact find', 'contact list',
  'contact edit CT000001', 'contact merge', 'contact erase', 'contact duplicates', 'log CT000001', 'log CT000001 CALL-OUT', 'interactions', 'interaction show',
  'opp new CT000001', 'opp next', 'opp close OP000001', 'opp list', 'opp forecast', 'segment new', 'segment add SG00001', 'segment refine SG00001', 'segment log SG00001',
  'campaign new', 'campaign respond CP0001', 'campaign stats', 'setup set', 'setup code add', 'salesperson add', 'me', 'me link', 'contakt', 'opp', 'segment', 'campaign',
  'mail', 'mail unmatched', 'mail unmatched --all', 'mail assign 1', 'mail create-contact 1', 'mail dismiss', 'mail ingest', 'mail outbox', 'help mail',
]
const FRAGMENTS = [
  '"', "'", '""', "''", '"unbalanced', "it's", '"a "b" c"', '\\"', '\\', '--', '--value', '--value 1e309', '--date 2026-02-30', '--duration -5', '--duration 99999999999999999999',
  '--offset -1', '--limit 0', '--email a@', '--country ZZZ', '--company CT000001', '--confirm', '--json', '-x', '---', '=', 'industry=', 'interaction:X:', 'country=IS',
  'CT000001', 'CT999999', 'OP000001', 'SG00001', 'CP0001', 'IL00000001', 'CALL-OUT', 'won', 'lost', 'PRICE', 'company', 'person',
  'Þóra Guðmundsdóttir', 'ÞÓRA', 'Ægir', 'ð', 'Ирина Петрова', 'ЁЖ', 'Хекла', '😀', '👩‍👩‍👧‍👦', '🇮🇸', 'שלום', 'مرحبا', '\u202Eevil\u202C', '\u200B', '\u200F', '\uFEFF',
  '\u0000', '\u0001', '\u0007', '\t', '\n', '\r\n', '\u001b[31m', '\u007f', '\uD800', '\uDFFF', '<@U123>', '<#C123|sales>', '<!channel>', '<https://x.y|z>', '&amp;', '<script>',
  '`code`', '*bold*', '_', '~', '%', '%s', '${x}', '{{x}}', "'; drop table contacts; --", '0', '-0', 'NaN', 'Infinity', '10,000.00', '10.000,00', '1e3', 'null', 'undefined', '__proto__', 'constructor',
  'constructor=x', '__proto__=1', 'toString', 'hasOwnProperty=1', '--status constructor', '--status __proto__', '--profile __proto__=x', '--profile constructor=y', 'valueOf',
]

function randomText(random: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
  const roll = random()
  if (roll < 0.03) return pick(FRAGMENTS).repeat(1 + Math.floor(random() * 4000))
  if (roll < 0.08) return Array.from({ length: Math.floor(random() * 300) }, () => String.fromCodePoint(Math.floor(random() * 0x3000))).join('')
  const words = [pick(PREFIXES)]
  const n = Math.floor(random() * 8)
  for (let i = 0; i < n; i++) words.push(random() < 0.2 ? pick(FRAGMENTS) + pick(FRAGMENTS) : pick(FRAGMENTS))
  return words.join(random() < 0.9 ? ' ' : pick(['', '  ', '\t', '\u00A0']))
}

const STACK = /\n\s+at |\.ts:\d+|node_modules|SqliteError|TypeError|RangeError|ReferenceError|SyntaxError|undefined is not|Cannot read prop/

/** Emails that wait for review with hostile names and subjects; returns their ids. */
async function seedReviewItems(core: CoreDeps, names: string[]): Promise<number[]> {
  await addSalesperson(core, { id: 'test', isAdmin: true }, { code: 'ANNA', name: 'Anna', email: 'anna@team.example' })
  const policy = { teamDomains: ['team.example'], freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS], ownAddresses: [] }
  for (const [i, name] of names.entries()) {
    const received = { from: { address: 'anna@team.example' }, to: [{ address: `x${i}@gmail.com`, name }], cc: [], subject: `${name} `.repeat(3).trim() || 'x', date: '2026-11-16T09:12:00Z', messageId: `<fuzz${i}@x>`, attachments: [] }
    await logEmail(core, policy, { received, authenticity: { passed: true, reason: 'dkim=pass' }, receivedAt: '2026-11-20T10:00:00Z' })
  }
  return (await core.database.db.selectFrom('mail_review_items').select('id').orderBy('id').execute()).map((r) => Number(r.id))
}

/** The first of Slack's Block Kit limits a message breaks, if any. */
function overLimits(message: Record<string, any>): string | undefined {
  const blocks = (message.blocks ?? []) as Array<Record<string, any>>
  if (String(message.text ?? '').length > 4000) return 'text over 4,000 characters'
  if (blocks.length > 50) return 'more than 50 blocks'
  for (const b of blocks) {
    if (b.type === 'header' && b.text.text.length > 150) return 'header over 150'
    if (b.type === 'section' && (b.text?.text?.length ?? 0) > 3000) return 'section over 3,000'
    if ((b.fields ?? []).some((f: any) => f.text.length > 2000)) return 'field over 2,000'
    if ((b.elements ?? []).some((e: any) => (e.text?.length ?? 0) > 3000 || (e.value?.length ?? 0) > 2000)) return 'element over its limit'
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(String(b.text?.text ?? '') + (b.fields ?? []).map((f: any) => f.text).join(''))) return 'a cut surrogate pair'
  }
  return undefined
}

describe('fuzzing /crm', () => {
  const bot = useBot()

  it('answers 2,000 random and hostile command lines, each with a reply and never an unexpected error or a stack trace', { timeout: 60_000 }, async () => {
    const core = { database: bot.database, clock: () => new Date(), logger: silentLogger }
    const admin = { id: 'test', isAdmin: true }
    await addSalesperson(core, admin, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    await createContact(core, admin, { type: 'company', name: 'Hekla Útgerð ehf' })
    expect(await seedReviewItems(core, ['<script>', '😀'.repeat(1500), 'Þ'.repeat(4000), '*bold* `code` <!channel>'])).toHaveLength(4)
    const random = mulberry32(20261203)
    const users = [ADMIN, 'UJANE', 'USTRANGER']
    const texts = Array.from({ length: 2000 }, () => randomText(random))
    const problems: string[] = []
    let next = 0
    const worker = async () => {
      while (next < texts.length) {
        const i = next++
        const text = texts[i]!
        const { body, responsePath } = slashCommandBody(bot.stub, users[i % users.length]!, text, `fuzz-${i}`)
        const res = await postSigned(bot.url, body)
        if (res.status !== 200) problems.push(`#${i} HTTP ${res.status}: ${JSON.stringify(text.slice(0, 80))}`)
        const answer = (await bot.stub.waitFor((r) => r.path === responsePath, 10_000)).body
        const shown = JSON.stringify(answer)
        if (typeof answer.text !== 'string' || !answer.text) problems.push(`#${i} no text: ${JSON.stringify(text.slice(0, 80))}`)
        if (/Something went wrong/.test(shown) || STACK.test(String(answer.text))) problems.push(`#${i} ${JSON.stringify(text.slice(0, 80))} -> ${String(answer.text).slice(0, 200)}`)
        const over = overLimits(answer)
        if (over) problems.push(`#${i} ${over}: ${JSON.stringify(text.slice(0, 80))}`)
      }
    }
    await Promise.all(Array.from({ length: 6 }, worker))
    expect(problems).toEqual([])
    expect(bot.logs.filter((l) => l.event === 'command_failed' || (typeof l.level === 'number' && l.level >= 50))).toEqual([])
    expect(bot.stub.requests.filter((r) => r.path.startsWith('/response/fuzz-'))).toHaveLength(2000)
  })

  it('answers 300 modal submissions with hostile values by saving them or by field errors, never a failure', { timeout: 60_000 }, async () => {
    const core = { database: bot.database, clock: () => new Date(), logger: silentLogger }
    const admin = { id: 'test', isAdmin: true }
    await addSalesperson(core, admin, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    const { contact } = await createContact(core, admin, { type: 'company', name: 'Hekla Útgerð ehf' })
    const random = mulberry32(5)
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
    const value = () => (random() < 0.15 ? '' : [pick(FRAGMENTS), pick(FRAGMENTS), pick(FRAGMENTS)].join(random() < 0.5 ? ' ' : ''))
    const ids = await seedReviewItems(core, Array.from({ length: 40 }, (_, i) => `Jón ${i} <b>`))
    expect(ids).toHaveLength(40)
    const item = (id: number) => ({ id, address: 'x@gmail.com', name: '😀'.repeat(100), subject: 'Þ'.repeat(300) })
    const templates = await listInteractionTemplates(core)
    const cycles = { cycles: await listSalesCycles(core), defaultCycle: 'STANDARD' }
    const modals = [logInteractionModal(templates, contact.no), logInteractionModal(templates, undefined, 'x', { author: 'Gunnar' }), newContactModal(), newOpportunityModal(cycles, contact.no), newOpportunityModal(cycles),
      mailAssignModal(item(pick(ids))), mailCreateContactModal(item(pick(ids))), mailAssignModal(item(999_999))] as Array<Record<string, any>>
    const problems: string[] = []
    const outcomes = { saved: 0, refused: 0 }
    for (let i = 0; i < 300; i++) {
      const view: Record<string, any> = { ...pick(modals), id: `VFUZZ${i}` }
      // Free text is always hostile; the other fields are valid, except now and then.
      const valid: Record<string, string> = { contact: contact.no, template: 'CALL-OUT', type: pick(['person', 'company']), date: '2026-11-20', duration: '15', evaluation: 'positive', value: '1000', 'close-date': '2027-01-31', company: '', email: '', phone: '', mobile: '', country: '' }
      const typed = Object.fromEntries((view.blocks as Array<Record<string, any>>).filter((b) => b.type === 'input').map((b) => [b.block_id, b.block_id in valid && random() < 0.8 ? valid[b.block_id]! : value() || 'x']))
      const res = await postPayload(bot, submission('UJANE', view, typed))
      const text = await res.text()
      if (res.status !== 200) problems.push(`#${i} HTTP ${res.status}`)
      else if (text === '') outcomes.saved++
      else {
        outcomes.refused++
        const answer = JSON.parse(text) as Record<string, any>
        const fields = (view.blocks as Array<Record<string, any>>).map((b) => b.block_id)
        const ok = (answer.response_action === 'errors' && Object.keys(answer.errors).every((k) => fields.includes(k)) && Object.values(answer.errors).every((m) => typeof m === 'string' && !/Something went wrong/.test(m as string) && (m as string).length <= 1500))
          || answer.response_action === 'update'
        if (!ok) problems.push(`#${i} ${text.slice(0, 200)}`)
      }
    }
    expect(problems).toEqual([])
    expect(bot.logs.filter((l) => typeof l.level === 'number' && l.level >= 50)).toEqual([])
    // Both paths were taken: some hostile values are valid data, most are refused at a field.
    expect(outcomes.saved).toBeGreaterThan(5)
    expect(outcomes.refused).toBeGreaterThan(20)
  })

  it('treats names of Object\'s prototype as unknown words, found by this fuzzing', async () => {
    const reply = async (line: string) => String((await runSlash(bot, ADMIN, line)).text)
    expect(await reply('setup set constructor IS')).toContain('Unknown setting "constructor"')
    expect(await reply('opp list --status constructor')).toContain('The status is one of')
    expect(await reply('segment new "S"')).toContain('SG00001')
    expect(await reply('segment add SG00001 constructor=x')).not.toMatch(/Something went wrong/)
    expect(await reply('segment add SG00001 __proto__=x')).not.toMatch(/Something went wrong/)
    expect(await reply('setup set toString 1')).toContain('Unknown setting "toString"')
    expect(await reply('setup set __proto__ 1')).toContain('Unknown setting "__proto__"')
  })

  it('cuts an echo of a 20,000-character word to Slack\'s limits', async () => {
    const answer = await runSlash(bot, ADMIN, `contact show ${'Þ'.repeat(20_000)}`)
    expect(String(answer.text).length).toBeLessThanOrEqual(2900)
    expect(String(answer.text)).toMatch(/…$/)
    expect(JSON.stringify(answer.blocks).length).toBeLessThan(3200)
  })
})
