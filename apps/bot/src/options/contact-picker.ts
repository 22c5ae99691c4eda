import { randomBytes } from 'node:crypto'
import { isDomainError, searchContacts, type Contact } from '@crm/core'
import type { App } from '@slack/bolt'
import { CONTACT_PICKER_BLOCK } from '../blocks/modal-views.ts'
import { clip } from '../blocks/result-blocks.ts'
import type { BotDeps } from '../deps.ts'

/** Options a picker shows per keystroke; Slack allows 100. */
const PICKER_SIZE = 20

/** One contact as a picker option: name and number as the label, company, email or city below it. */
function option(c: Contact) {
  const detail = [c.type === 'person' ? c.companyName : null, c.email, c.city].filter(Boolean).join(' · ')
  return {
    text: { type: 'plain_text', text: `${clip(c.name, 75 - c.no.length - 3)} · ${c.no}` },
    value: c.no,
    ...(detail ? { description: { type: 'plain_text', text: clip(detail, 75) } } : {}),
  }
}

/**
 * The contact picker of modals (an external select in the "contact" block): each keystroke searches contacts
 * by name, email, phone, company, city or number, as `/crm contact find` does. Reading needs no link.
 */
export function register(app: App, deps: BotDeps): void {
  app.options({ type: 'block_suggestion', block_id: CONTACT_PICKER_BLOCK }, async ({ ack, payload }) => {
    const query = String(payload.value ?? '').trim()
    try {
      const found = await searchContacts(deps.core, { query, limit: PICKER_SIZE })
      await ack({ options: found.contacts.map(option) } as never)
    } catch (error) {
      // An empty or unusable query simply finds nothing; anything else is logged with a reference.
      if (!isDomainError(error)) deps.log.error({ event: 'contact_picker_failed', ref: randomBytes(4).toString('hex'), err: error }, 'unexpected error')
      await ack({ options: [] } as never)
    }
  })
}
