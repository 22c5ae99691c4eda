import type { MailAddress } from '@crm/core'
import EmailForwardParser from 'email-forward-parser'
import { addressParser } from 'postal-mime'

/** The original message found inside a forward's text. */
export interface InlineForward {
  /** What the forwarder wrote above the forwarded block. */
  note: string | null
  from: MailAddress | null
  to: MailAddress[]
  cc: MailAddress[]
  subject: string | null
  /** ISO-8601, or null when the forward's date line could not be read. */
  date: string | null
  body: string
}

const SEPARATORS: RegExp[] = [
  /^\s*-{2,}\s*(?:forwarded message|original message|пересылаемое сообщение|переадресованное сообщение|исходное сообщение|пересланное сообщение|áframsend skilaboð|áframsent bréf|áframsendur póstur|upprunaleg skilaboð|weitergeleitete nachricht|ursprüngliche nachricht|originalnachricht)\s*-{2,}\s*$/iu,
  /^\s*(?:begin forwarded message|начало пересылаемого сообщения|начало переадресованного сообщения|anfang der weitergeleiteten nachricht|upphaf áframsends skeytis)\s*:\s*$/iu,
  /^\s*_{10,}\s*$/u,
]

type Field = 'from' | 'to' | 'cc' | 'date' | 'subject'
const FIELD_NAMES: Record<string, Field> = {
  from: 'from', von: 'from', 'от': 'from', 'отправитель': 'from', 'frá': 'from', 'sendandi': 'from',
  to: 'to', an: 'to', 'кому': 'to', til: 'to', 'viðtakandi': 'to',
  cc: 'cc', kopie: 'cc', 'копия': 'cc', afrit: 'cc',
  date: 'date', sent: 'date', datum: 'date', gesendet: 'date', 'дата': 'date', 'отправлено': 'date', dagsetning: 'date', sendt: 'date', dags: 'date',
  subject: 'subject', betreff: 'subject', 'тема': 'subject', efni: 'subject',
}

function fieldOf(line: string): { field: Field; value: string } | undefined {
  const m = /^\s*\*?([\p{L} ]{2,20}?)\*?\s*:\s*(.*)$/u.exec(line)
  if (!m) return undefined
  const field = FIELD_NAMES[m[1]!.trim().toLowerCase()]
  return field ? { field, value: m[2]!.trim() } : undefined
}

/** Addresses from a header line as forwards show it ("Name <a@b>", "Name [mailto:a@b]", "a@b; c@d"). */
export function parseAddressList(value: string | null | undefined): MailAddress[] {
  if (!value) return []
  const cleaned = value.replace(/\[mailto:([^\]]+)\]/gi, '<$1>').replace(/<mailto:([^>]+)>/gi, '<$1>').replace(/;/g, ',')
  const out: MailAddress[] = []
  for (const a of addressParser(cleaned, { flatten: true })) {
    if (a.address && /@/.test(a.address)) out.push({ address: a.address, name: a.name || null })
  }
  return out
}

const MONTHS: Array<[RegExp, number]> = [
  [/^(jan|янв)/u, 1], [/^(feb|фев)/u, 2], [/^(mar|mär|мар)/u, 3], [/^(apr|апр)/u, 4], [/^(may|mai|maí|ма[йя])/u, 5],
  [/^(jun|jún|июн)/u, 6], [/^(jul|júl|июл)/u, 7], [/^(aug|ágú|авг)/u, 8], [/^(sep|сен)/u, 9], [/^(oct|okt|окт)/u, 10],
  [/^(nov|nóv|ноя)/u, 11], [/^(dec|dez|des|дек)/u, 12],
]

/** Zone abbreviations mail programs write after the time (Apple Mail in German: "um 10:12:00 MEZ"), in minutes east of UTC. */
const ZONE_NAMES: Record<string, number> = { gmt: 0, utc: 0, ut: 0, wet: 0, west: 60, cet: 60, mez: 60, cest: 120, mesz: 120, eet: 120, oez: 120, eest: 180, oesz: 180, msk: 180 }
const ZONE_NAME = new RegExp(`(?:^|[^\\p{L}])(${Object.keys(ZONE_NAMES).join('|')})(?![\\p{L}])`, 'u')

/** The zone after a forward's time, in minutes east of UTC: "+0300", "+03:00", "GMT+3" (Apple Mail), "MEZ"; undefined when none is given. */
function zoneOffset(rest: string): number | undefined {
  const short = /\b(?:gmt|utc)\s*([+-])(\d{1,2})(?::?(\d{2}))?\b/.exec(rest) ?? /([+-])(\d{2}):?(\d{2})\b/.exec(rest)
  if (short) return (short[1] === '-' ? -1 : 1) * (Number(short[2]) * 60 + Number(short[3] ?? 0))
  const named = ZONE_NAME.exec(rest)
  return named ? ZONE_NAMES[named[1]!] : undefined
}

/** Reads the date line of a forward in the languages mail programs write it; null when it cannot. */
export function parseForwardDate(value: string | null | undefined): string | null {
  if (!value) return null
  const v = value.trim()
  const direct = Date.parse(v.replace(/\s+at\s+/i, ' ').replace(/^[A-Za-z]+,\s*/, ''))
  if (/[a-z]/i.test(v) && !Number.isNaN(direct) && /\d{4}/.test(v)) return new Date(direct).toISOString()
  const lower = v.toLowerCase()
  let day: number | undefined
  let month: number | undefined
  let year: number | undefined
  const numeric = /(\d{1,2})[./](\d{1,2})[./](\d{4})/.exec(lower) ?? undefined
  const isoLike = /(\d{4})-(\d{2})-(\d{2})/.exec(lower) ?? undefined
  if (isoLike) [year, month, day] = [Number(isoLike[1]), Number(isoLike[2]), Number(isoLike[3])]
  else if (numeric) [day, month, year] = [Number(numeric[1]), Number(numeric[2]), Number(numeric[3])]
  else {
    const words = lower.match(/[\p{L}]+|\d+/gu) ?? []
    for (const w of words) {
      if (/^\d{4}$/.test(w)) year = Number(w)
      else if (/^\d{1,2}$/.test(w) && day === undefined && !new RegExp(`${w}:`).test(lower.slice(lower.indexOf(w), lower.indexOf(w) + 3))) day = Number(w)
      else if (month === undefined) {
        const hit = MONTHS.find(([re]) => re.test(w))
        if (hit) month = hit[1]
      }
    }
  }
  if (!day || !month || !year) return null
  const time = /(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?/i.exec(lower)
  let hour = time ? Number(time[1]) : 0
  if (time?.[4]?.toLowerCase() === 'pm' && hour < 12) hour += 12
  if (time?.[4]?.toLowerCase() === 'am' && hour === 12) hour = 0
  const offsetMin = zoneOffset(lower.slice(time ? lower.indexOf(time[0]) + time[0].length : 0))
  const utc = Date.UTC(year, month - 1, day, hour, time ? Number(time[2]) : 0, time?.[3] ? Number(time[3]) : 0) - (offsetMin ?? 0) * 60_000
  const date = new Date(utc)
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() !== year && offsetMin === undefined ? null : date.toISOString()
}

/** Our own reader for forward blocks the library misses (Russian and Icelandic mail programs, Outlook variants). */
function readOwnForward(text: string): InlineForward | undefined {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const separated = SEPARATORS.some((re) => re.test(line))
    const start = separated ? i + 1 : i
    // Without a separator line, a block of at least From, Date/Sent and Subject lines still marks a forward (Outlook).
    let j = start
    while (j < lines.length && lines[j]!.trim() === '' && separated) j++
    const found: Partial<Record<Field, string>> = {}
    let k = j
    for (; k < lines.length; k++) {
      const f = fieldOf(lines[k]!)
      if (!f && lines[k]!.trim() === '' && k > j) {
        // HTML-only mail (Outlook on the web) comes out with a blank line after each <br>: the block goes on
        // when the next line that is not blank is a field not seen yet.
        let next = k + 1
        while (next < lines.length && lines[next]!.trim() === '') next++
        const nextField = next < lines.length ? fieldOf(lines[next]!) : undefined
        if (nextField && found[nextField.field] === undefined) {
          k = next - 1
          continue
        }
      }
      if (!f) {
        // A long To/Cc line wraps onto the next one.
        if (lines[k]!.trim() !== '' && k > j && /^\s+\S/.test(lines[k]!) && found.to !== undefined) continue
        break
      }
      if (found[f.field] === undefined) found[f.field] = f.value
    }
    const enough = found.from !== undefined && (separated ? found.subject !== undefined || found.date !== undefined : found.subject !== undefined && found.date !== undefined)
    if (!enough) continue
    const from = parseAddressList(found.from)[0] ?? null
    if (!from) continue
    const note = lines.slice(0, i).join('\n').trim()
    return {
      note: note || null,
      from,
      to: parseAddressList(found.to),
      cc: parseAddressList(found.cc),
      subject: found.subject ?? null,
      date: parseForwardDate(found.date),
      body: lines.slice(k).join('\n').trim(),
    }
  }
  return undefined
}

function toMailbox(m: { address: string | null; name: string | null } | null | undefined): MailAddress | null {
  return m?.address ? { address: m.address, name: m.name } : null
}

function toList(v: { address: string | null; name: string | null } | Array<{ address: string | null; name: string | null }> | null | undefined): MailAddress[] {
  const list = v == null ? [] : Array.isArray(v) ? v : [v]
  return list.map(toMailbox).filter((a): a is MailAddress => a !== null)
}

/** One level of forward: the library first (Gmail, Outlook, Apple Mail, Thunderbird in many languages), then ours. */
function readOneForward(text: string, subject: string | null): InlineForward | undefined {
  const result = new EmailForwardParser().read(text, subject)
  if (result.forwarded && result.email.from?.address) {
    return {
      note: result.message?.trim() || null,
      from: toMailbox(result.email.from),
      to: toList(result.email.to),
      cc: toList(result.email.cc),
      subject: result.email.subject,
      date: parseForwardDate(result.email.date),
      body: result.email.body ?? '',
    }
  }
  return readOwnForward(text)
}

/** The original message of an inline forward; a forward of a forward yields the innermost original and the outer note. */
export function readInlineForward(text: string, subject: string | null): InlineForward | undefined {
  const outer = readOneForward(text, subject)
  if (!outer) return undefined
  let innermost = outer
  for (let depth = 0; depth < 10; depth++) {
    const inner = readOneForward(innermost.body, innermost.subject)
    if (!inner) break
    innermost = inner
  }
  return { ...innermost, note: outer.note }
}
