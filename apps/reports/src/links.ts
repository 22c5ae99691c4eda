// File names of the per-segment and per-campaign pages and CSV files. Numbers come from configurable number
// series, so anything outside [A-Za-z0-9] is spelled as _XX (hex) and the "-pN" page suffix stays unambiguous.

/** A record number as a file-name part: letters and digits kept, everything else as _XX. */
export function slug(no: string): string {
  return [...no].map((ch) => (/^[A-Za-z0-9]$/.test(ch) ? ch : [...new TextEncoder().encode(ch)].map((b) => `_${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''))).join('')
}

/** The page of a segment; page 1 is segment-NO.html, page N is segment-NO-pN.html. */
export function segmentHref(no: string, page = 1): string {
  return `segment-${segmentSlug(no, page)}.html`
}

export function segmentSlug(no: string, page = 1): string {
  return page > 1 ? `${slug(no)}-p${page}` : slug(no)
}

export function campaignHref(no: string): string {
  return `campaign-${slug(no)}.html`
}

export function csvHref(id: string): string {
  return `csv/${id}.csv`
}
