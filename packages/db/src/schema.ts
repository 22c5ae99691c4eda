import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

/** Booleans are stored as 0/1 integers on every dialect. */
export type Flag = 0 | 1

export interface SetupTable {
  id: number
  default_country_code: string | null
  default_language_code: string | null
  default_salesperson_code: string | null
  dup_search_enabled: Flag
  dup_threshold: number
  /** The fields the duplicate search compares, comma-separated: name, email, phone, website (migration 0010). */
  dup_fields: string
  inherit_address: Flag
  inherit_phone: Flag
  inherit_salesperson: Flag
  inherit_country: Flag
  inherit_language: Flag
  customer_relation_code: string | null
  vendor_relation_code: string | null
  currency_code: string
  default_sales_cycle_code: string | null
  /** Templates the system logs with by itself (migration 0014): ingested email in and out, campaign responses, the Log interaction default. */
  template_email_in: Generated<string>
  template_email_out: Generated<string>
  template_response: Generated<string>
  template_log: Generated<string>
  modified_at: string
}

export interface NumberSeriesTable {
  code: string
  description: string
  prefix: string
  width: number
  next_no: number
  modified_at: string
}

export interface SalespersonTable {
  code: string
  name: string
  email: string | null
  email_norm: string | null
  phone: string | null
  job_title: string | null
  slack_user_id: string | null
  created_at: string
  modified_at: string
}

export interface CodeTable {
  code: string
  description: string
}

export type ContactType = 'company' | 'person'

export interface ContactTable {
  no: string
  type: ContactType
  name: string
  name_folded: string
  first_name: string | null
  middle_name: string | null
  surname: string | null
  initials: string | null
  job_title: string | null
  salutation_code: string | null
  company_no: string | null
  company_name: string | null
  address: string | null
  address2: string | null
  post_code: string | null
  city: string | null
  county: string | null
  country_code: string | null
  inherit_company_address: Flag
  phone: string | null
  mobile: string | null
  email: string | null
  email2: string | null
  website: string | null
  language_code: string | null
  salesperson_code: string | null
  territory_code: string | null
  privacy_blocked: Flag
  exclude_from_segments: Flag
  dup_name_key: string
  email_norm: string | null
  email2_norm: string | null
  phone_digits: string | null
  mobile_digits: string | null
  website_domain: string | null
  /** Company size (migration 0008): employees, and annual revenue in minor units of the setup currency. */
  employees: number | null
  annual_revenue_minor: number | null
  erased_at: string | null
  created_at: string
  modified_at: string
}

export interface ContactCodeLinkTable {
  contact_no: string
  code: string
}

export interface ContactProfileAnswerTable {
  contact_no: string
  question: string
  answer: string
}

export interface ContactSearchTokenTable {
  token: string
  contact_no: string
  /** The contact's folded name, so broad searches page in name order from the token index. */
  name_folded: Generated<string>
}

export interface DuplicateExclusionTable {
  contact_no_a: string
  contact_no_b: string
  created_at: string
}

export interface ChangeLogTable {
  id: Generated<number>
  at: string
  actor: string | null
  entity: string
  entity_no: string
  action: string
  details: string | null
}

export type Channel = 'email' | 'phone' | 'meeting' | 'letter' | 'other'

export interface InteractionTemplateTable {
  code: string
  description: string
  group_code: string
  channel: Channel
  unit_cost_minor: number
  unit_duration_min: number
  information_flow: 'inbound' | 'outbound' | null
  initiated_by: 'us' | 'them' | null
  ignore_contact_corr_type: Flag
  campaign_target: Flag
  campaign_response: Flag
  created_at: string
}

export interface InteractionLogEntryTable {
  no: string
  contact_no: string
  contact_company_no: string | null
  template_code: string
  group_code: string
  channel: Channel
  occurred_at: string
  subject: string
  description: string | null
  salesperson_code: string | null
  cost_minor: number
  currency_code: string
  duration_min: number
  attempt_failed: Flag
  initiated_by: 'us' | 'them' | null
  information_flow: 'inbound' | 'outbound' | null
  evaluation: string | null
  opportunity_no: string | null
  campaign_no: string | null
  segment_no: string | null
  campaign_response: Flag
  /** The entry makes its contact a target of its campaign (migration 0013): a segment log, or a target template. */
  campaign_target: Generated<Flag>
  source: string
  external_ref: string | null
  attachments: string | null
  canceled: Flag
  canceled_at: string | null
  created_at: string
  created_by: string | null
  /** The language of the segment variant the entry was logged with (migration 0011); null for the default. */
  language_code: string | null
}

export interface SalesCycleTable {
  code: string
  description: string
  probability_calc: 'multiply' | 'add' | 'chance' | 'completion'
  blocked: Flag
  created_at: string
}

export interface SalesCycleStageTable {
  cycle_code: string
  stage: number
  description: string
  completion_pct: number
  chance_pct: number
  activity_code: string | null
  quote_required: Flag
  allow_skip: Flag
}

export interface CloseOpportunityCodeTable {
  code: string
  type: 'won' | 'lost'
  description: string
}

export type OpportunityStatus = 'not_started' | 'in_progress' | 'won' | 'lost'

export interface OpportunityTable {
  no: string
  description: string
  contact_no: string
  contact_company_no: string | null
  salesperson_code: string | null
  cycle_code: string
  current_stage: number | null
  status: OpportunityStatus
  priority: 'low' | 'normal' | 'high'
  currency_code: string
  estimated_value_minor: number
  chance_pct: number
  completion_pct: number
  probability_pct: number
  calculated_value_minor: number
  estimated_close_date: string | null
  close_code: string | null
  closed_at: string | null
  campaign_no: string | null
  segment_no: string | null
  last_stage_change_at: string
  created_at: string
  modified_at: string
}

export interface OpportunityEntryTable {
  id: Generated<number>
  opportunity_no: string
  action: string
  stage: number | null
  status: OpportunityStatus
  at: string
  actor: string | null
  estimated_value_minor: number
  chance_pct: number
  completion_pct: number
  probability_pct: number
  calculated_value_minor: number
  estimated_close_date: string | null
  close_code: string | null
  days_open: number
  active: Flag
  note: string | null
}

export interface CampaignStatusTable {
  code: string
  description: string
  sort_order: number
  /** A campaign in an active status counts as running (reports, targets for pricing). */
  active: Flag
}

export interface CampaignTable {
  no: string
  description: string
  status_code: string
  starting_date: string | null
  ending_date: string | null
  salesperson_code: string | null
  created_at: string
  modified_at: string
}

export interface SegmentTable {
  no: string
  description: string
  salesperson_code: string | null
  campaign_no: string | null
  template_code: string | null
  subject: string | null
  /** The email body of the segment's default content (migration 0011); null sends the subject as text. */
  body: string | null
  created_at: string
  created_by: string | null
  logged_at: string | null
  log_canceled_at: string | null
  follow_up_of: string | null
}

export interface SegmentLineTable {
  id: Generated<number>
  segment_no: string
  contact_no: string
  contact_company_no: string | null
  /** The step that added the line (null for lines copied into a follow-up segment). */
  step_id: number | null
  added_at: string
  /** The template this line is logged with instead of the segment's (migration 0009); null for the segment's. */
  template_code: string | null
  /** The language this line is logged in instead of its contact's (migration 0011); null for the contact's. */
  language_code: string | null
}

/** One language variant of a segment's email content (migration 0011): a lower-case language code. */
export interface SegmentLanguageTable {
  segment_no: string
  language_code: string
  subject: string
  body: string | null
}

export interface SegmentStepTable {
  id: Generated<number>
  segment_no: string
  seq: number
  action: 'add' | 'remove' | 'refine' | 'add-contact' | 'remove-contact'
  /** The filter text as typed (or the contact number for add-contact/remove-contact). */
  criteria: string
  /** JSON: { allowExisting, expand: 'companies' | 'persons' | null, matchAny } */
  options: string | null
  added: number
  removed: number
  undone_at: string | null
  at: string
  actor: string | null
}

export interface SegmentRemovedLineTable {
  step_id: number
  line_id: number
  segment_no: string
  contact_no: string
  contact_company_no: string | null
  added_by_step: number | null
  added_at: string
  template_code: string | null
  language_code: string | null
}

export interface SavedSegmentCriteriaTable {
  code: string
  description: string
  /** JSON: [{ action, criteria, options }] */
  steps: string
  created_at: string
}

export interface EmailOutboxTable {
  id: Generated<number>
  /** 'segment' (logging a segment with an email template) or 'ack' (to the forwarder of an ingested message). */
  kind: Generated<string>
  interaction_no: string | null
  contact_no: string | null
  to_address: string
  subject: string
  body: string | null
  in_reply_to: string | null
  segment_no: string | null
  campaign_no: string | null
  status: 'queued' | 'sending' | 'sent' | 'failed'
  attempts: Generated<number>
  /** A queued row waits until then after a failed attempt. */
  next_attempt_at: string | null
  last_attempt_at: string | null
  /** The sender that claimed the row, and until when; a row still `sending` after that is released. */
  claimed_by: string | null
  lease_until: string | null
  created_at: string
  sent_at: string | null
  error: string | null
}

/** One claimed request (a Slack delivery), by the request's identity. */
export interface RequestClaimTable {
  key: string
  claimed_at: string
  /** The instance running the request (migration 0015); null once it finished (or for claims without an instance). */
  holder: string | null
}

/** One acknowledgment per ingested message (by its reference), so none is sent twice. */
export interface MailAckTable {
  message_ref: string
  outbox_id: number | null
  to_address: string
  outcome: string
  created_at: string
}

/** An outside participant of a logged-for message that matched no contact, waiting for a person to decide. */
export interface MailReviewItemTable {
  id: Generated<number>
  external_ref: string
  address: string
  name: string | null
  direction: 'inbound' | 'outbound'
  template_code: string
  subject: string
  occurred_at: string
  salesperson_code: string | null
  logged_by: string | null
  note: string | null
  attachments: string | null
  status: 'waiting' | 'assigned' | 'created' | 'dismissed'
  contact_no: string | null
  interaction_no: string | null
  created_at: string
  resolved_at: string | null
  resolved_by: string | null
}

/** A named lease (migration 0012): the lock of SQLite, where there are no session locks (see session-lock.ts). */
export interface SessionLeaseTable {
  name: string
  /** Who holds it: host, process id and a random id, new for every take. */
  holder: string
  /** ISO-8601 UTC; after it, anyone may take the lease. */
  expires_at: string
}

export interface Database {
  setup: SetupTable
  number_series: NumberSeriesTable
  salespeople: SalespersonTable
  business_relations: CodeTable
  industry_groups: CodeTable
  mailing_groups: CodeTable
  job_responsibilities: CodeTable
  contacts: ContactTable
  contact_business_relations: ContactCodeLinkTable
  contact_industry_groups: ContactCodeLinkTable
  contact_mailing_groups: ContactCodeLinkTable
  contact_job_responsibilities: ContactCodeLinkTable
  contact_profile_answers: ContactProfileAnswerTable
  contact_search_tokens: ContactSearchTokenTable
  duplicate_exclusions: DuplicateExclusionTable
  change_log: ChangeLogTable
  interaction_groups: CodeTable
  interaction_templates: InteractionTemplateTable
  interaction_log_entries: InteractionLogEntryTable
  sales_cycles: SalesCycleTable
  sales_cycle_stages: SalesCycleStageTable
  close_opportunity_codes: CloseOpportunityCodeTable
  opportunities: OpportunityTable
  opportunity_entries: OpportunityEntryTable
  campaign_statuses: CampaignStatusTable
  campaigns: CampaignTable
  segments: SegmentTable
  segment_lines: SegmentLineTable
  segment_languages: SegmentLanguageTable
  segment_steps: SegmentStepTable
  segment_removed_lines: SegmentRemovedLineTable
  saved_segment_criteria: SavedSegmentCriteriaTable
  email_outbox: EmailOutboxTable
  slack_requests: RequestClaimTable
  mail_acks: MailAckTable
  mail_review_items: MailReviewItemTable
  session_leases: SessionLeaseTable
}

export type SetupRow = Selectable<SetupTable>
export type NumberSeriesRow = Selectable<NumberSeriesTable>
export type SalespersonRow = Selectable<SalespersonTable>
export type CodeRow = Selectable<CodeTable>
export type ContactRow = Selectable<ContactTable>
export type NewContactRow = Insertable<ContactTable>
export type ContactUpdate = Updateable<ContactTable>
export type ChangeLogRow = Selectable<ChangeLogTable>
export type InteractionTemplateRow = Selectable<InteractionTemplateTable>
export type InteractionLogEntryRow = Selectable<InteractionLogEntryTable>
export type SalesCycleRow = Selectable<SalesCycleTable>
export type SalesCycleStageRow = Selectable<SalesCycleStageTable>
export type CloseOpportunityCodeRow = Selectable<CloseOpportunityCodeTable>
export type OpportunityRow = Selectable<OpportunityTable>
export type OpportunityEntryRow = Selectable<OpportunityEntryTable>

/** The classification link tables, by the name users know them under. */
export const CLASSIFICATIONS = {
  'business-relation': { table: 'business_relations', link: 'contact_business_relations' },
  'industry-group': { table: 'industry_groups', link: 'contact_industry_groups' },
  'mailing-group': { table: 'mailing_groups', link: 'contact_mailing_groups' },
  'job-responsibility': { table: 'job_responsibilities', link: 'contact_job_responsibilities' },
} as const
export type ClassificationKind = keyof typeof CLASSIFICATIONS
export type ClassificationTable = (typeof CLASSIFICATIONS)[ClassificationKind]['table']
export type ClassificationLinkTable = (typeof CLASSIFICATIONS)[ClassificationKind]['link']
export type CampaignRow = Selectable<CampaignTable>
export type CampaignStatusRow = Selectable<CampaignStatusTable>
export type SegmentRow = Selectable<SegmentTable>
export type SegmentStepRow = Selectable<SegmentStepTable>
export type SegmentLanguageRow = Selectable<SegmentLanguageTable>
export type SavedSegmentCriteriaRow = Selectable<SavedSegmentCriteriaTable>
export type EmailOutboxRow = Selectable<EmailOutboxTable>
export type MailAckRow = Selectable<MailAckTable>
export type MailReviewItemRow = Selectable<MailReviewItemTable>
