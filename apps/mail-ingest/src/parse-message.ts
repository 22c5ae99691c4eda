import type { EmailFacts, MailAddress } from '@crm/core'
import { decodeHTML } from 'entities'
import PostalMime from 'postal-mime'
import type { Address, Email } from 'postal-mime'

/** A parsed message: the facts the logging rules need plus what the ingester inspects (headers, body, parts). */
export interface ParsedMessage {
  facts: EmailFacts
  headers: Array<{ key: string; value: string }>
  contentType: string
  /** Plain text of the body; made from the HTML part when the message has no text part. */
  text: string
  /** Attached messages (message/rfc822 parts), raw. */
  attachedMessages: Uint8Array[]
}

/** Raised for bytes that are not a mail message at all. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError'
}

function flatten(list: Address[] | Address | undefined): MailAddress[] {
  const items = list === undefined ? [] : Array.isArray(list) ? list : [list]
  const out: MailAddress[] = []
  for (const item of items) {
    if (item.group) out.push(...item.group.map((m) => ({ address: m.address, name: m.name || null })))
    else if (item.address) out.push({ address: item.address, name: item.name || null })
  }
  return out.filter((a) => /@/.test(a.address))
}

/** Readable text from HTML: block elements become line breaks, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style|head)\b[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h[1-6]|blockquote|table)>/gi, '\n')
    .replace(/<hr\b[^>]*>/gi, '\n________________________________\n')
    .replace(/<[^>]+>/g, '')
  // Every named and numeric entity of HTML (&uuml;, &#233;, ...); one beyond Unicode becomes U+FFFD.
  return decodeHTML(text)
    .replace(/\u00a0/g, ' ')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

function byteSize(content: ArrayBuffer | Uint8Array | string): number {
  if (typeof content === 'string') return Buffer.byteLength(content)
  return content.byteLength
}

function toBytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return Buffer.from(content, 'utf8')
  return content instanceof Uint8Array ? content : new Uint8Array(content)
}

function isoDate(value: string | undefined): string | null {
  const t = value ? Date.parse(value) : NaN
  return Number.isNaN(t) ? null : new Date(t).toISOString()
}

/** Parses raw MIME (any charset postal-mime knows: windows-1251, KOI8-R, ..., encoded words) into a ParsedMessage. */
export async function parseMessage(raw: Uint8Array): Promise<ParsedMessage> {
  let email: Email
  try {
    email = await PostalMime.parse(raw, { rfc822Attachments: true })
  } catch (error) {
    throw new MalformedMessageError(`The message cannot be parsed: ${(error as Error).message}`)
  }
  const headers = email.headers.map((h) => ({ key: h.key.toLowerCase(), value: h.value }))
  if (!headers.some((h) => h.key === 'from' || h.key === 'date' || h.key === 'message-id' || h.key === 'subject')) {
    throw new MalformedMessageError('This is not an email message (no From, Date, Subject or Message-ID header).')
  }
  const text = email.text?.trim() ? email.text : email.html ? htmlToText(email.html) : ''
  const attachedMessages: Uint8Array[] = []
  const attachments: EmailFacts['attachments'] = []
  for (const a of email.attachments) {
    if (a.mimeType.toLowerCase() === 'message/rfc822') attachedMessages.push(toBytes(a.content))
    // Inline images of an HTML body are part of the body, not attachments a person sent.
    if (a.disposition === 'inline' && a.contentId && a.mimeType.startsWith('image/')) continue
    attachments.push({ name: a.filename ?? (a.mimeType === 'message/rfc822' ? 'message.eml' : 'attachment'), size: byteSize(a.content), contentType: a.mimeType })
  }
  const from = flatten(email.from)[0] ?? null
  return {
    facts: {
      from,
      to: flatten(email.to),
      cc: flatten(email.cc),
      subject: email.subject ?? '',
      date: isoDate(email.date),
      messageId: email.messageId?.trim() || null,
      text,
      attachments,
    },
    headers,
    contentType: headers.find((h) => h.key === 'content-type')?.value.toLowerCase() ?? 'text/plain',
    text,
    attachedMessages,
  }
}

/** The values of a header, top first. */
export function headerValues(message: ParsedMessage, key: string): string[] {
  return message.headers.filter((h) => h.key === key).map((h) => h.value)
}
