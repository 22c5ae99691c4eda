import type { Contact } from '../contacts/contact.ts'
import type { ContactDetails } from '../contacts/read.ts'
import type { DuplicateCandidate } from '../contacts/duplicates.ts'
import type { Column, ResultView } from './views.ts'
import { formatMoney } from '../money.ts'

/** Display width of a string, counting wide (CJK) characters as two columns and combining marks as none. */
export function displayWidth(text: string): number {
  let width = 0
  for (const ch of text.normalize('NFC')) {
    if (/\p{M}/u.test(ch)) continue
    const cp = ch.codePointAt(0)!
    width += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0x1f300 && cp <= 0x1faff) ? 2 : 1
  }
  return width
}

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)))
  return align === 'right' ? fill + text : text + fill
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return String(value).replace(/\s+/g, ' ')
}

/** A plain-text table with aligned columns. */
export function renderTable(columns: Column[], rows: Array<Record<string, unknown>>): string {
  const widths = columns.map((c) => Math.max(displayWidth(c.label), ...rows.map((r) => displayWidth(cell(r[c.key])))))
  const line = (values: string[]) => values.map((v, i) => pad(v, widths[i]!, columns[i]!.align)).join('  ').trimEnd()
  return [line(columns.map((c) => c.label)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => cell(r[c.key]))))].join('\n')
}

function contactLine(c: Contact): string {
  const extra = [c.type === 'person' && c.companyName ? c.companyName : null, c.city, c.email ?? c.phone].filter(Boolean).join(', ')
  return `${c.no}  ${c.name}${c.type === 'company' ? ' (company)' : ''}${extra ? `  ${extra}` : ''}`
}

function duplicateLines(duplicates: DuplicateCandidate[]): string[] {
  return duplicates.map((d) => `  ${d.score}%  ${contactLine(d.contact)}  [${d.reasons.join(', ')}]`)
}

function renderContact(details: ContactDetails): string {
  const c = details.contact
  const lines: string[] = [`${c.no}  ${c.name}  (${c.type})`]
  const add = (label: string, value: string | null | undefined) => {
    if (value) lines.push(`  ${pad(label, 16)}${value}`)
  }
  if (c.type === 'person') {
    add('Company', c.companyNo ? `${c.companyNo} ${c.companyName ?? ''}`.trim() : null)
    add('Job title', c.jobTitle)
  }
  const address = [c.address, c.address2, [c.postCode, c.city].filter(Boolean).join(' '), c.county, c.countryCode].filter(Boolean).join(', ')
  add('Address', address ? `${address}${c.inheritsCompanyAddress ? ' (from company)' : ''}` : null)
  add('Phone', c.phone)
  add('Mobile', c.mobile)
  add('Email', [c.email, c.email2].filter(Boolean).join(', '))
  add('Website', c.website)
  add('Language', c.languageCode)
  add('Salesperson', c.salespersonCode ? `${c.salespersonCode}${details.salespersonName ? ` ${details.salespersonName}` : ''}` : null)
  add('Territory', c.territoryCode)
  add('Company size', [c.employees !== null ? `${c.employees} employees` : null, c.annualRevenueMinor !== null ? `revenue ${formatMoney(c.annualRevenueMinor, details.facts.currency)} ${details.facts.currency}` : null].filter(Boolean).join(', '))
  const cls = details.classifications
  add('Relations', cls['business-relation'].join(', '))
  add('Industry', cls['industry-group'].join(', '))
  add('Mailing groups', cls['mailing-group'].join(', '))
  add('Responsibility', cls['job-responsibility'].join(', '))
  for (const p of details.profile) add(p.question, p.answer)
  const flags = [c.privacyBlocked ? 'privacy blocked' : null, c.excludeFromSegments ? 'excluded from segments' : null, c.erasedAt ? `erased ${c.erasedAt.slice(0, 10)}` : null].filter(Boolean)
  add('Flags', flags.join(', '))
  const f = details.facts
  const rolled = c.type === 'company' ? ' (with its persons)' : ''
  add('Interactions', f.interactionCount ? `${f.interactionCount}${rolled}, last ${f.lastInteractionAt!.slice(0, 10)}, cost ${formatMoney(f.interactionCostMinor, f.currency)} ${f.currency}, ${f.interactionDurationMin} min` : 'none yet')
  add('Open opps', f.openOpportunityCount ? `${f.openOpportunityCount}${rolled}, estimated ${formatMoney(f.openOpportunityValueMinor, f.currency)} ${f.currency}, current value ${formatMoney(f.openOpportunityCalculatedValueMinor, f.currency)} ${f.currency}` : null)
  add('Segments', f.segments.map((s) => `${s.no} ${s.description}`).join(', '))
  add('Campaigns', f.campaigns.map((x) => `${x.no} ${x.description} (${x.status})`).join(', '))
  if (details.persons.length) {
    lines.push(`  Persons (${details.persons.length}):`)
    for (const p of details.persons) lines.push(`    ${p.no}  ${p.name}${p.jobTitle ? `, ${p.jobTitle}` : ''}${p.email ? `  ${p.email}` : ''}`)
  }
  return lines.join('\n')
}

/** Renders a result view as plain text for a terminal or a plain-text fallback. */
export function renderText(view: ResultView): string {
  switch (view.kind) {
    case 'message':
    case 'document':
      return view.text
    case 'contact': {
      const parts = [view.notice, renderContact(view.details)].filter(Boolean) as string[]
      if (view.duplicates.length) parts.push(['Possible duplicates:', ...duplicateLines(view.duplicates), `Merge with: contact merge ${view.details.contact.no} <survivor>`].join('\n'))
      return parts.join('\n')
    }
    case 'contact-list': {
      const r = view.result
      if (r.contacts.length === 0) return `No contacts match "${r.query}".`
      const lines = r.contacts.map(contactLine)
      if (r.hasMore) lines.push(`More matches: add --offset ${r.offset + r.contacts.length}`)
      return lines.join('\n')
    }
    case 'duplicates':
      if (view.duplicates.length === 0) return `No possible duplicates of ${view.contact.no} ${view.contact.name} (threshold ${view.threshold}%).`
      return [`Possible duplicates of ${view.contact.no} ${view.contact.name}:`, ...duplicateLines(view.duplicates)].join('\n')
    case 'table':
      return [view.title, view.rows.length ? renderTable(view.columns, view.rows) : '(none)', view.footer].filter((x) => x !== undefined).join('\n')
    case 'record': {
      const width = Math.max(...view.fields.map(([k]) => displayWidth(k))) + 2
      return [view.title, ...view.fields.map(([k, v]) => `  ${pad(k, width)}${cell(v)}`)].join('\n')
    }
    case 'help':
      return [view.title, ...view.sections.map((s) => [s.heading, ...s.lines.map((l) => (s.heading ? `  ${l}` : l))].filter((x) => x !== undefined).join('\n'))].join('\n\n')
  }
}
