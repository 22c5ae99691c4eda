import type { APIRoute, GetStaticPaths } from 'astro'
import { writeCsv } from '@crm/core'
import { getSiteData } from '../../data.ts'
import { buildTables, type ReportTable } from '../../tables.ts'

/** One CSV file per report table, written at build time from the same rows as the HTML. */
export const getStaticPaths: GetStaticPaths = async () => {
  const tables = Object.values(buildTables((await getSiteData()).report))
  return tables.map((table) => ({ params: { table: table.id }, props: { table } }))
}

export const GET: APIRoute = ({ props }) => {
  const table = (props as { table: ReportTable }).table
  const records = [table.columns.map((c) => c.label), ...table.raw.map((row) => row.map((cell) => (cell === null ? '' : String(cell))))]
  // A BOM so spreadsheet programs read the names in any script as UTF-8.
  return new Response(writeCsv(records, { bom: true }), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
}
