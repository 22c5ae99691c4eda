import { closeSync, openSync, readFileSync, writeSync } from 'node:fs'
import { extname } from 'node:path'
import { CONTACT_CSV_COLUMNS, DomainError, exportContactChunks, importContacts, invalidField, messageView, type CommandSpec, type TransferFormat } from '@crm/core'
import { messages } from '../messages.ts'

/** Where the progress bar goes: a terminal's stderr, or any stream in tests. */
export interface ProgressStream {
  write(chunk: string): unknown
  isTTY?: boolean
}

const PROGRESS_MIN_ROWS = 500
const BAR_WIDTH = 30
const FORMAT_BY_EXTENSION: Record<string, TransferFormat> = { '.csv': 'csv', '.vcf': 'vcf', '.vcard': 'vcf' }

/** The format from --format, else from the file's extension, else the fallback (or an error naming the file). */
function formatOf(option: unknown, path: string | undefined, fallback?: TransferFormat): TransferFormat {
  if (option !== undefined) {
    const format = String(option).trim().toLowerCase()
    if (format === 'csv') return 'csv'
    if (format === 'vcf' || format === 'vcard') return 'vcf'
    throw invalidField('format', messages.transfer.badFormat(format))
  }
  const byExtension = path ? FORMAT_BY_EXTENSION[extname(path).toLowerCase()] : undefined
  if (byExtension) return byExtension
  if (fallback) return fallback
  throw new DomainError('UNKNOWN_FORMAT', messages.transfer.unknownExtension(path ?? ''), { field: 'format' })
}

function fileError(path: string, error: unknown, writing: boolean): DomainError {
  const code = (error as NodeJS.ErrnoException).code
  const reason = (error as Error).message
  if (writing) return new DomainError('FILE_NOT_WRITABLE', messages.transfer.fileWriteFailed(path, reason), { field: 'out' })
  if (code === 'ENOENT') return new DomainError('FILE_NOT_FOUND', messages.transfer.fileNotFound(path), { field: 'file' })
  if (code === 'EACCES' || code === 'EPERM') return new DomainError('FILE_NOT_READABLE', messages.transfer.fileNotReadable(path), { field: 'file' })
  if (code === 'EISDIR') return new DomainError('FILE_NOT_READABLE', messages.transfer.fileIsDirectory(path), { field: 'file' })
  return new DomainError('FILE_NOT_READABLE', messages.transfer.fileReadFailed(path, reason), { field: 'file' })
}

/** Reads a text file: UTF-8 (a BOM is dropped), UTF-16 with a BOM, else Windows-1252 as older Excel saves CSV. */
function readTextFile(path: string): string {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw fileError(path, error, false)
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('windows-1252').decode(bytes)
  }
}

/** A one-line progress bar, drawn only on a terminal and only for imports of more than 500 rows. */
function progressBar(stream: ProgressStream) {
  let drawn = false
  return {
    update(done: number, total: number) {
      if (!stream.isTTY || total <= PROGRESS_MIN_ROWS) return
      const filled = Math.round((BAR_WIDTH * done) / total)
      stream.write(`\r${messages.transfer.progress('#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled), done, total)}`)
      drawn = true
    },
    end() {
      if (drawn) stream.write('\n')
    },
  }
}

const FILTER_OPTIONS = [
  { name: 'type', type: 'string', description: 'only companies or only persons' },
  { name: 'country', type: 'string', description: 'country code, e.g. IS' },
  { name: 'salesperson', type: 'string', description: 'salesperson code' },
] as const

/** `crm import contacts` and `crm export contacts`; the progress bar is drawn on `progress` (a TTY stderr). */
export function createTransferCommands(progress: ProgressStream): CommandSpec[] {
  return [
    {
      path: ['import', 'contacts'],
      summary: 'Import contacts from a CSV or vCard file: all rows or, if any is wrong, none',
      args: [{ name: 'file', description: 'a .csv, .vcf or .vcard file', required: true }],
      options: [
        { name: 'format', type: 'string', description: 'csv or vcf (default: from the file extension)' },
        { name: 'allow-duplicates', type: 'bool', description: 'import rows that look like contacts already in the CRM or on a line above' },
      ],
      examples: ['crm import contacts contacts.csv', 'crm import contacts phone-export.vcf', 'crm import contacts outlook.txt --format vcf'],
      notes: [
        `CSV columns (a header line, any order, ; or , separated): ${CONTACT_CSV_COLUMNS.join(', ')}.`,
        'A person belongs to company_no, or to company: the name of a company on a line above or already in the CRM.',
        'vCard: a person with ORG joins the company of that name, which is created when there is none.',
        'Every row is checked first; if any is wrong nothing is stored and each problem is listed with its line.',
        'With duplicate search on (setup set duplicate-search on), rows that look like contacts already in the CRM or on a line above refuse the file, each named with its line and the contacts it looks like; --allow-duplicates imports them anyway.',
      ],
      access: 'admin',
      async run(ctx, input) {
        const path = input.args.file!
        const format = formatOf(input.options.format, path)
        const content = readTextFile(path)
        const bar = progressBar(progress)
        try {
          const result = await importContacts(ctx.deps, ctx.actor, { format, content, onProgress: (done, total) => bar.update(done, total), allowDuplicates: input.options['allow-duplicates'] === true })
          const [first, last] = result.nos
          const duplicateLines = (result.possibleDuplicates ?? []).map((d) => d.line)
          const text = messages.transfer.imported(result.created, first, last, result.companiesCreated) + (duplicateLines.length ? ` ${messages.transfer.importedDuplicates(duplicateLines)}` : '')
          return messageView(text, { file: path, format, ...result })
        } finally {
          bar.end()
        }
      },
    },
    {
      path: ['export', 'contacts'],
      summary: 'Export contacts as CSV or vCard 4.0, to the screen or a file',
      args: [],
      options: [
        { name: 'format', type: 'string', description: 'csv (default) or vcf' },
        { name: 'out', type: 'string', description: 'write to this file instead of the screen', placeholder: 'FILE' },
        ...FILTER_OPTIONS,
      ],
      examples: ['crm export contacts > contacts.csv', 'crm export contacts --format vcf --out contacts.vcf', 'crm export contacts --type company --country IS --out companies.csv'],
      notes: ['The CSV has the columns "import contacts" reads, so an export can be imported into another CRM. Erased contacts are left out.'],
      access: 'admin',
      async run(ctx, input) {
        const out = input.options.out as string | undefined
        const format = formatOf(input.options.format, out, 'csv')
        const type = input.options.type as string | undefined
        if (type !== undefined && type !== 'company' && type !== 'person') throw invalidField('type', `--type is company or person, not "${type}".`)
        const up = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().toUpperCase() : undefined)
        const filter = {
          ...(type ? { type: type as 'company' | 'person' } : {}),
          ...(up(input.options.country) ? { countryCode: up(input.options.country)! } : {}),
          ...(up(input.options.salesperson) ? { salespersonCode: up(input.options.salesperson)! } : {}),
        }
        let count = 0
        const chunks = exportContactChunks(ctx.deps, { format, filter, onProgress: (done) => (count = done) })
        if (out === undefined) {
          const parts: string[] = []
          for await (const chunk of chunks) parts.push(chunk)
          const content = parts.join('')
          // The shell adds the final line break after the document.
          return { kind: 'document', title: messages.transfer.exportedTitle(count), text: content.replace(/\r?\n$/, ''), data: { format, count, content } }
        }
        let fd: number
        try {
          fd = openSync(out, 'w')
        } catch (error) {
          throw fileError(out, error, true)
        }
        try {
          for await (const chunk of chunks) {
            try {
              writeSync(fd, chunk)
            } catch (error) {
              throw fileError(out, error, true)
            }
          }
        } finally {
          closeSync(fd)
        }
        return messageView(messages.transfer.exported(count, out), { file: out, format, count })
      },
    },
  ]
}

/** The transfer commands of the shell. The command runner hands commands no streams, so the bar uses the process's stderr. */
export const transferCommands: CommandSpec[] = createTransferCommands(process.stderr)
