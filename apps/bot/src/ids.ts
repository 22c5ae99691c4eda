/** Slack callback and action ids, declared once. */
export const ACTION_IDS = {
  showContact: 'contact_show',
  showMore: 'contact_find_more',
  logInteraction: 'contact_log_interaction',
  newOpportunity: 'contact_new_opportunity',
  editContact: 'contact_edit',
  newContact: 'contact_new',
  advanceOpportunity: 'opportunity_advance',
  closeOpportunity: 'opportunity_close',
  mailAssign: 'mail_review_assign',
  mailCreateContact: 'mail_review_create_contact',
  mailDismiss: 'mail_review_dismiss',
  mailShowList: 'mail_review_show',
} as const

export const SLASH_COMMAND = '/crm'

export const CALLBACK_IDS = {
  logInteraction: 'log_interaction_modal',
  newOpportunity: 'new_opportunity_modal',
  logShortcut: 'log_to_crm',
  newContact: 'new_contact_modal',
  editContact: 'edit_contact_modal',
  advanceOpportunity: 'advance_opportunity_modal',
  closeOpportunity: 'close_opportunity_modal',
  mailAssign: 'mail_assign_modal',
  mailCreateContact: 'mail_create_contact_modal',
} as const
