import { messages as m } from './messages.ts'

/**
 * The pages of the site, in navigation order; each segment and campaign also has pages of its own
 * (segment-NO.html, segment-NO-pN.html, campaign-NO.html) linked from these.
 */
export const PAGES = [
  { href: 'index.html', label: m.nav.overview },
  { href: 'pipeline.html', label: m.nav.pipeline },
  { href: 'activity.html', label: m.nav.activity },
  { href: 'segments.html', label: m.nav.segments },
  { href: 'campaigns.html', label: m.nav.campaigns },
] as const
