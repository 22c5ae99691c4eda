import type { APIRoute, GetStaticPaths } from 'astro'
import { writeCsv } from '@crm/core'
import { getSiteData } from '../../data.ts'
import { marketingCsvTables } from '../../marketing-tables.ts'
import { buildTables, type ReportTable } from '../../tables.ts'

/** One CSV file per report table, written at build time from the same rows as the HTML. */
export const getStaticPaths: GetStaticPaths = async () => {
  const { report, marketing } = await getSiteData()
  const tables = Object.values(buildTables(report)).map((table) => ({ id: table.id, make: () => table }))
  return [...tables, ...marketingCsvTables(marketing, report.currency)].map((t) => ({ params: { table: t.id }, props: { make: t.make } }))
}

export const GET: APIRoute = ({ props }) => {
  const table = (props as { make: () => ReportTable }).make()
  const records = [table.columns.map((c) => c.label), ...table.raw.map((row) => row.map((cell) => (cell === null ? '' : String(cell))))]
  // A BOM so spreadsheet programs read the names in any script as UTF-8.
  return new Response(writeCsv(records, { bom: true }), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
}
