import type { APIRoute, GetStaticPaths } from 'astro'
import { neutralizeCsvFormula, writeCsv } from '@crm/core'
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
  // Text from the data (names, descriptions) that a spreadsheet would run as a formula is neutralized; numbers
  // and amounts (`-5`, `-12.50`) stay numbers. `contact export` writes exact text instead, to be read back.
  const cell = (value: string | number | null) => (value === null ? '' : typeof value === 'number' ? String(value) : neutralizeCsvFormula(value))
  const records = [table.columns.map((c) => neutralizeCsvFormula(c.label)), ...table.raw.map((row) => row.map(cell))]
  // A BOM so spreadsheet programs read the names in any script as UTF-8.
  return new Response(writeCsv(records, { bom: true }), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
}
