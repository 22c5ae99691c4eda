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
/**
 * Header labels of forwards: English, German, Russian, Icelandic, and Outlook's Norwegian/Danish (Fra, Sendt,
 * Til, Emne), Swedish (Från, Skickat, Till, Ämne), Dutch (Van, Verzonden, Aan, Onderwerp), Polish (Od, Wysłano,
 * Do, DW, Temat), Finnish (Lähettäjä, Lähetetty, Vastaanottaja, Kopio, Aihe) and Italian (Da, Inviato, A, Oggetto).
 */
const FIELD_NAMES: Record<string, Field> = {
  from: 'from', von: 'from', 'от': 'from', 'отправитель': 'from', 'frá': 'from', 'sendandi': 'from', fra: 'from', 'från': 'from', van: 'from', od: 'from', 'lähettäjä': 'from', da: 'from',
  to: 'to', an: 'to', 'кому': 'to', til: 'to', 'viðtakandi': 'to', till: 'to', aan: 'to', do: 'to', vastaanottaja: 'to', a: 'to',
  cc: 'cc', kopie: 'cc', 'копия': 'cc', afrit: 'cc', kopi: 'cc', kopia: 'cc', dw: 'cc', kopio: 'cc',
  date: 'date', sent: 'date', datum: 'date', gesendet: 'date', 'дата': 'date', 'отправлено': 'date', dagsetning: 'date', sendt: 'date', dags: 'date',
  skickat: 'date', verzonden: 'date', 'wysłano': 'date', 'lähetetty': 'date', inviato: 'date',
  subject: 'subject', betreff: 'subject', 'тема': 'subject', efni: 'subject', emne: 'subject', 'ämne': 'subject', onderwerp: 'subject', temat: 'subject', aihe: 'subject', oggetto: 'subject',
}

function fieldOf(line: string): { field: Field; value: string } | undefined {
  const m = /^\s*\*?([\p{L} ]{1,20}?)\*?\s*:\s*(.*)$/u.exec(line)
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

/** Month names (their starts) in English, German, Russian, Icelandic, the Nordic languages, Dutch, Polish, Finnish and Italian. */
const MONTHS: Array<[RegExp, number]> = [
  [/^(jan|янв|sty|genn|tammi)/u, 1], [/^(feb|фев|lut|helmi)/u, 2], [/^(mar(?!ras)|mär|мар|maart|maalis)/u, 3], [/^(apr|апр|kwi|huhti)/u, 4],
  [/^(may|mai|maí|ма[йя]|maj|mei|magg|touko)/u, 5], [/^(jun|jún|июн|giu|czerw|kesä)/u, 6], [/^(jul|júl|июл|lug|lip|heinä)/u, 7],
  [/^(aug|ágú|авг|ago|sierp|elo)/u, 8], [/^(sep|сен|sett|wrze|syys)/u, 9], [/^(oct|okt|окт|ott|paźd|lokak)/u, 10],
  [/^(nov|nóv|ноя|listop|marras)/u, 11], [/^(dec|dez|des|дек|dic|grud|joulu)/u, 12],
]
/** Weekdays that start like a month (French "mardi", Spanish "martes", Italian "martedì" look like March). */
const NOT_A_MONTH = /^mar(di|tes|ted)/u

/**
 * Zone abbreviations mail programs write after the time (Apple Mail in German: "um 10:12:00 MEZ"), in minutes
 * east of UTC; the North American ones are those RFC 5322 (and JavaScript's Date) know.
 */
const ZONE_NAMES: Record<string, number> = {
  gmt: 0, utc: 0, ut: 0, z: 0, wet: 0, west: 60, cet: 60, mez: 60, cest: 120, mesz: 120, eet: 120, oez: 120, eest: 180, oesz: 180, msk: 180,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
}
const ZONE_NAME = new RegExp(`(?:^|[^\\p{L}])(${Object.keys(ZONE_NAMES).join('|')})(?![\\p{L}])`, 'u')

/** The zone after a forward's time, in minutes east of UTC: "+0300", "+03:00", "GMT+3" (Apple Mail), "MEZ"; undefined when none is given. */
function zoneOffset(rest: string): number | undefined {
  const short = /\b(?:gmt|utc)\s*([+-])(\d{1,2})(?::?(\d{2}))?\b/.exec(rest) ?? /([+-])(\d{2}):?(\d{2})\b/.exec(rest)
  if (short) return (short[1] === '-' ? -1 : 1) * (Number(short[2]) * 60 + Number(short[3] ?? 0))
  const named = ZONE_NAME.exec(rest)
  return named ? ZONE_NAMES[named[1]!] : undefined
}

/**
 * The zone of a message's own Date header ("Tue, 3 Mar 2026 11:02:00 +0300", or an RFC 5322 name like "GMT"), in
 * minutes east of UTC; undefined without a header or a zone, and for "-0000", which says the zone is unknown.
 */
export function dateHeaderOffset(value: string | null | undefined): number | undefined {
  const v = (value ?? '').replace(/\([^)]*\)/g, ' ').trim().toLowerCase()
  const numeric = /(?:^|\s)([+-])(\d{2})([0-5]\d)$/.exec(v)
  if (numeric) {
    const minutes = (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]))
    // No zone on Earth is more than 14 hours off UTC: a damaged header tells nothing.
    return numeric[0].trim() === '-0000' || Math.abs(minutes) > 14 * 60 ? undefined : minutes
  }
  const named = /\d\s*([a-z]{1,5})$/.exec(v)
  return named ? ZONE_NAMES[named[1]!] : undefined
}

interface WallClock { year: number; month: number; day: number; hour: number; minute: number; second: number }

/** Day, month, year and time as written, in the languages mail programs write them; `rest` is what follows the time. */
function readWallClock(lower: string): { clock: WallClock; rest: string } | undefined {
  let day: number | undefined
  let month: number | undefined
  let year: number | undefined
  const numeric = /(\d{1,2})[./](\d{1,2})[./](\d{4})/.exec(lower) ?? undefined
  const isoLike = /(\d{4})-(\d{2})-(\d{2})/.exec(lower) ?? undefined
  if (isoLike) [year, month, day] = [Number(isoLike[1]), Number(isoLike[2]), Number(isoLike[3])]
  else if (numeric) [day, month, year] = [Number(numeric[1]), Number(numeric[2]), Number(numeric[3])]
  else {
    for (const m of lower.matchAll(/[\p{L}]+|\d+/gu)) {
      const w = m[0]
      const nextToColon = lower[m.index + w.length] === ':' || lower[m.index - 1] === ':'
      // The first four digits are the year; a zone ("+0100") is not.
      if (/^\d{4}$/.test(w)) year ??= /[+-]/.test(lower[m.index - 1] ?? '') ? undefined : Number(w)
      else if (/^\d{1,2}$/.test(w) && day === undefined && !nextToColon) day = Number(w)
      else if (month === undefined && !NOT_A_MONTH.test(w)) {
        const hit = MONTHS.find(([re]) => re.test(w))
        if (hit) month = hit[1]
      }
    }
  }
  if (!day || !month || !year || month > 12 || day > 31) return undefined
  // "09:12", else Finnish "9.12" (a dot, but not a numeric date's "16.11.2026").
  const time = /(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?/.exec(lower) ?? /(\d{1,2})\.(\d{2})(?:\.(\d{2}))?(?![.\d])\s*(am|pm)?/.exec(lower)
  let hour = time ? Number(time[1]) : 0
  if (time?.[4] === 'pm' && hour < 12) hour += 12
  if (time?.[4] === 'am' && hour === 12) hour = 0
  const clock = { year, month, day, hour, minute: time ? Number(time[2]) : 0, second: time?.[3] ? Number(time[3]) : 0 }
  if (clock.hour > 23 || clock.minute > 59 || clock.second > 59) return undefined
  return { clock, rest: time ? lower.slice(time.index + time[0].length) : lower }
}

/**
 * Reads the date line of a forward in the languages mail programs write it; null when it cannot. A time written
 * with a zone ("+0300", "GMT+3", "MEZ") is read in it; one without (Outlook's "Sent: Tuesday, March 3, 2026 10:15
 * AM") in `zonelessOffset`, minutes east of UTC: the forwarder's own, which its program showed the time in.
 */
export function parseForwardDate(value: string | null | undefined, zonelessOffset = 0): string | null {
  const lower = value?.trim().toLowerCase()
  if (!lower) return null
  const read = readWallClock(lower)
  if (read) {
    const { year, month, day, hour, minute, second } = read.clock
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second) - (zoneOffset(read.rest) ?? zonelessOffset) * 60_000)
    return Number.isNaN(date.getTime()) ? null : date.toISOString()
  }
  // Anything else JavaScript's own reader takes ("11/16/2026 9:12 AM"): it applies a zone it finds, and reads a
  // time without one on this machine's clock, so that wall-clock time is taken as written, in `zonelessOffset`.
  const direct = new Date(Date.parse(value!.trim().replace(/\s+at\s+/i, ' ').replace(/^[A-Za-z]+,\s*/, '')))
  if (Number.isNaN(direct.getTime()) || !/\d{4}/.test(lower)) return null
  if (zoneOffset(lower.replace(/^[^:]*/, '')) !== undefined) return direct.toISOString()
  const asWritten = Date.UTC(direct.getFullYear(), direct.getMonth(), direct.getDate(), direct.getHours(), direct.getMinutes(), direct.getSeconds())
  return new Date(asWritten - zonelessOffset * 60_000).toISOString()
}

/** Our own reader for forward blocks the library misses (Russian and Icelandic mail programs, Outlook variants). */
function readOwnForward(text: string, zonelessOffset: number): InlineForward | undefined {
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
      date: parseForwardDate(found.date, zonelessOffset),
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
function readOneForward(text: string, subject: string | null, zonelessOffset: number): InlineForward | undefined {
  const result = new EmailForwardParser().read(text, subject)
  if (result.forwarded && result.email.from?.address) {
    return {
      note: result.message?.trim() || null,
      from: toMailbox(result.email.from),
      to: toList(result.email.to),
      cc: toList(result.email.cc),
      subject: result.email.subject,
      date: parseForwardDate(result.email.date, zonelessOffset),
      body: result.email.body ?? '',
    }
  }
  return readOwnForward(text, zonelessOffset)
}

/**
 * The original message of an inline forward; a forward of a forward yields the innermost original and the outer
 * note. Header times without a zone are read in `zonelessOffset` (minutes east of UTC), the forwarder's: its
 * program wrote them in its own time; at every level, as nothing tells an inner forwarder's zone.
 */
export function readInlineForward(text: string, subject: string | null, zonelessOffset = 0): InlineForward | undefined {
  const outer = readOneForward(text, subject, zonelessOffset)
  if (!outer) return undefined
  let innermost = outer
  for (let depth = 0; depth < 10; depth++) {
    const inner = readOneForward(innermost.body, innermost.subject, zonelessOffset)
    if (!inner) break
    innermost = inner
  }
  return { ...innermost, note: outer.note }
}
