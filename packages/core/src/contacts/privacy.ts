import { changeLog, contactData, contacts, interactions, mailReview, opportunities, type ContactUpdate, type Executor } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError } from '../errors.ts'
import { getContactDetails, getContactHistory } from './read.ts'
import { requireContact } from './write.ts'
import { normalizeEmail } from '../text/normalize.ts'
import { toInteraction, type Interaction } from '../interactions/interactions.ts'
import { toOpportunity, toOpportunityEntry, type Opportunity } from '../opportunities/opportunities.ts'
import { toMailReviewItem, type MailReviewItem } from '../mail/review.ts'

/** Everything held about one contact, for a data-subject access request (GDPR art. 15). Keys are camelCase throughout. */
export interface ContactDataExport {
  exportedAt: string
  contact: Awaited<ReturnType<typeof getContactDetails>>
  history: Awaited<ReturnType<typeof getContactHistory>>
  /** What is held about the contact elsewhere: interactions, opportunities and their entries, segment lines, emails. */
  held: {
    interactions: Interaction[]
    opportunities: Opportunity[]
    opportunityEntries: Array<{ opportunityNo: string } & ReturnType<typeof toOpportunityEntry>>
    segmentLines: Array<{ segmentNo: string; description: string; campaignNo: string | null; addedAt: string }>
    emails: Array<{
      id: number
      kind: string
      interactionNo: string | null
      toAddress: string
      subject: string
      segmentNo: string | null
      campaignNo: string | null
      status: string
      createdAt: string
      sentAt: string | null
    }>
    /** Email review items logged on the contact or at one of its addresses, with the note and attachments they hold. */
    mailReviewItems: Array<MailReviewItem & { note: string | null; attachments: unknown }>
  }
}

/** Collects all data held about a contact as one JSON-ready object. */
export async function exportContactData(deps: CoreDeps, no: string): Promise<ContactDataExport> {
  const contact = await getContactDetails(deps, no)
  const rows = await contactData.listHeldAbout(deps.database.db, contact.contact.no)
  const addresses = [contact.contact.email, contact.contact.email2].map((a) => normalizeEmail(a)).filter((a): a is string => !!a)
  const mailReviewItems = await mailReview.listAbout(deps.database.db, contact.contact.no, addresses)
  const currencyOf = new Map(rows.opportunities.map((o) => [o.no, o.currency_code]))
  const held: ContactDataExport['held'] = {
    interactions: rows.interactions.map(toInteraction),
    opportunities: rows.opportunities.map((o) => toOpportunity(o)),
    opportunityEntries: rows.opportunityEntries.map((e) => ({ opportunityNo: e.opportunity_no, ...toOpportunityEntry(e, currencyOf.get(e.opportunity_no)!) })),
    segmentLines: rows.segmentLines.map((l) => ({ segmentNo: l.segment_no, description: l.description, campaignNo: l.campaign_no, addedAt: l.added_at })),
    emails: rows.emails.map((m) => ({
      id: Number(m.id),
      kind: m.kind,
      interactionNo: m.interaction_no,
      toAddress: m.to_address,
      subject: m.subject,
      segmentNo: m.segment_no,
      campaignNo: m.campaign_no,
      status: m.status,
      createdAt: m.created_at,
      sentAt: m.sent_at,
    })),
    mailReviewItems: mailReviewItems.map((r) => ({ ...toMailReviewItem(r), note: r.note, attachments: r.attachments ? (JSON.parse(r.attachments) as unknown) : [] })),
  }
  return { exportedAt: deps.clock().toISOString(), contact, history: await getContactHistory(deps, contact.contact.no), held }
}

/**
 * An erased contact must not leave open opportunities behind: nameless, they would still count in the pipeline
 * and the forecast with nobody to follow them up. The user closes them first (won or lost), which keeps the
 * anonymous statistics honest.
 */
async function refuseOpenOpportunities(db: Executor, contactNo: string): Promise<void> {
  const open = await db.selectFrom('opportunities').select('no').where('contact_no', '=', contactNo).where('status', 'in', ['not_started', 'in_progress']).orderBy('no').execute()
  if (!open.length) return
  const lost = (await opportunities.listCloseCodes(db, 'lost'))[0]?.code ?? 'PRICE'
  const listed = `${open.slice(0, 5).map((o) => o.no).join(', ')}${open.length > 5 ? ', ...' : ''}`
  throw new DomainError(
    'CONTACT_HAS_OPEN_OPPORTUNITIES',
    `${contactNo} still has ${open.length} open opportunit${open.length === 1 ? 'y' : 'ies'} (${listed}); an erased contact's opportunities would stay in the pipeline and forecast. Close them first, e.g.: opp close ${open[0]!.no} lost ${lost}`,
    { field: 'no' },
  )
}

/** What an erasure would remove; shown before the user confirms. */
export async function previewErasure(deps: CoreDeps, no: string) {
  const details = await getContactDetails(deps, no)
  if (details.contact.erasedAt) throw new DomainError('CONTACT_ERASED', `${details.contact.no} was already erased.`)
  await refuseOpenOpportunities(deps.database.db, details.contact.no)
  return details
}

/**
 * Erases a contact's personal data on request (GDPR art. 17): names, addresses, phones, emails, website,
 * classifications, profile answers, search entries, the free text of its interactions and opportunities and the
 * address of its emails go; the number, type, country, salesperson and the
 * anonymous facts that feed statistics stay. The contact is marked privacy blocked so it is never used again.
 * `confirmNo` must repeat the contact number.
 */
export async function eraseContact(deps: CoreDeps, actor: Actor, no: string, confirmNo: string | undefined): Promise<{ no: string }> {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const row = await requireContact(trx, no)
    if (confirmNo?.trim().toUpperCase() !== row.no) {
      throw new DomainError('CONFIRMATION_REQUIRED', `Erasing ${row.no} (${row.name}) removes its personal data for good. To go ahead, repeat the number: contact erase ${row.no} --confirm ${row.no}`, { field: 'confirm' })
    }
    if (row.type === 'company') {
      const persons = (await contacts.listPersonsOf(trx, row.no)).filter((p) => !p.erased_at)
      if (persons.length) {
        throw new DomainError('COMPANY_HAS_PERSONS', `${row.no} still has ${persons.length} person(s) (${persons.slice(0, 3).map((p) => p.no).join(', ')}${persons.length > 3 ? ', ...' : ''}); erase or unlink them first.`)
      }
    }
    await refuseOpenOpportunities(trx, row.no)
    const anonymous = `Erased contact ${row.no}`
    const patch: ContactUpdate = {
      name: anonymous, name_folded: anonymous.toLowerCase(), first_name: null, middle_name: null, surname: null, initials: null,
      job_title: null, salutation_code: null, address: null, address2: null, post_code: null, city: null, county: null,
      phone: null, mobile: null, email: null, email2: null, website: null, dup_name_key: `erased ${row.no.toLowerCase()}`,
      email_norm: null, email2_norm: null, phone_digits: null, mobile_digits: null, website_domain: null,
      inherit_company_address: 0, privacy_blocked: 1, exclude_from_segments: 1, erased_at: now, modified_at: now,
    }
    await contacts.update(trx, row.no, patch)
    await contacts.deletePersonalLinks(trx, row.no)
    await interactions.redactForContact(trx, row.no)
    await contactData.redactEmails(trx, row.no)
    await contactData.redactOpportunities(trx, row.no)
    await mailReview.redactAbout(trx, row.no, [row.email_norm, row.email2_norm].filter((a): a is string => !!a), now)
    await changeLog.redactFor(trx, 'contact', row.no, { redacted: true })
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'contact', entityNo: row.no, action: 'erase' })
    deps.logger.info({ event: 'contact.erased', no: row.no })
    return { no: row.no }
  })
}
