/** Every user-facing text of the Slack bot (English first; other catalogs can follow the same keys). */
export const messages = {
  configInvalid: 'The bot cannot start; fix these settings (they are described in .env.example):',
  unexpected: (ref: string) => `Something went wrong (ref ${ref}). Tell your CRM admin this reference; the details are in the bot's log.`,
  working: (line: string) => `Working on \`/crm ${line}\`…`,
  errorPrefix: ':warning:',
  notLinked: 'You can search and view, but to change anything your Slack account must be linked to a salesperson. Ask a CRM admin to run `/crm me link <salesperson> @you`, or to give your salesperson record your Slack email address.',
  linked: (code: string, name: string, user: string) => `<@${user}> is now linked to salesperson ${code} (${name}).`,
  autoLinked: (code: string, name: string) => `Your Slack account was linked to salesperson ${code} (${name}) by your email address.`,
  me: (user: string, code: string | undefined, name: string | undefined, admin: boolean) =>
    `<@${user}>: ${code ? `salesperson ${code}${name ? ` (${name})` : ''}` : 'not linked to a salesperson'}${admin ? ', CRM admin' : ''}.`,
  badUser: (text: string) => `"${text}" is not a Slack user. Mention them (@name) or give their user id (U...).`,
  showMore: 'Show more',
  moreResults: (shown: number) => `Showing ${shown}. More match: narrow the search or press Show more.`,
  noResults: 'Nothing found.',
  buttons: { logInteraction: 'Log interaction', newOpportunity: 'New opportunity', edit: 'Edit', show: 'Show' },
  card: { lastInteractions: 'Last interactions', openOpportunities: 'Open opportunities', none: '_none_' },
  groups: { me: 'your Slack account and salesperson link' } as Record<string, string>,
}
