import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, extname, join } from 'node:path'

/** One message read from disk: where it came from and its raw bytes. */
export interface FileMessage {
  /** The file, and for an mbox "file#n" (1-based). */
  file: string
  raw: Uint8Array
}

/** A path that cannot be read as mail, with a message a person can act on. */
export class MailPathError extends Error {
  override name = 'MailPathError'
}

/** Splits an mbox at its "From " lines and undoes ">From " quoting. */
export function splitMbox(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1')
  const starts: number[] = []
  const re = /^From [^\r\n]*\r?\n/gm
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index)
  return starts.map((start, i) => {
    const chunk = text.slice(start, starts[i + 1] ?? text.length)
    const body = chunk.slice(chunk.indexOf('\n') + 1).replace(/^>(>*From )/gm, '$1')
    return Buffer.from(body, 'latin1')
  })
}

function isMbox(path: string, bytes: Buffer): boolean {
  return extname(path).toLowerCase() === '.mbox' || (bytes.subarray(0, 5).toString('latin1') === 'From ' && extname(path).toLowerCase() !== '.eml')
}

/**
 * The messages of one .eml file, a folder of .eml files (sorted by name), or an mbox file. In a folder, an
 * empty file is passed on as a message of its own (it ends as invalid), so one bad file does not stop the rest.
 */
export function readMailPath(path: string, inFolder = false): FileMessage[] {
  let stat
  try {
    stat = statSync(path)
  } catch {
    throw new MailPathError(`There is no file or folder ${path}.`)
  }
  if (stat.isDirectory()) {
    const files = readdirSync(path).filter((n) => /\.(eml|mbox)$/i.test(n)).sort()
    if (files.length === 0) throw new MailPathError(`The folder ${path} has no .eml or .mbox files.`)
    return files.flatMap((n) => readMailPath(join(path, n), true))
  }
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (error) {
    throw new MailPathError(`${path} cannot be read: ${(error as Error).message}`)
  }
  if (bytes.length === 0) {
    if (inFolder) return [{ file: path, raw: bytes }]
    throw new MailPathError(`${basename(path)} is empty.`)
  }
  if (isMbox(path, bytes)) {
    const parts = splitMbox(bytes)
    if (parts.length === 0) throw new MailPathError(`${path} is not an mbox file (no "From " separator lines).`)
    return parts.map((raw, i) => ({ file: `${path}#${i + 1}`, raw }))
  }
  return [{ file: path, raw: bytes }]
}
