import { DomainError } from '../errors.ts'
import { commandGroups, usageOf, type CommandSpec, type OptionSpec, type ParsedInput } from './spec.ts'
import { tokenize } from './tokenize.ts'

/** The result of reading a command line: a command and its typed input, or a request for help. */
export type ParsedCommand =
  | { kind: 'command'; spec: CommandSpec; input: ParsedInput; words: string[] }
  | { kind: 'help'; topic: string[] }

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!
    dp[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return dp[b.length]!
}

/** The closest of `candidates` to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase())
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined
}

function usageHint(spec: CommandSpec): string {
  return `Usage: ${usageOf(spec)}${spec.examples[0] ? `. Example: ${spec.examples[0]}` : ''}`
}

/** Words a bool option takes as its value, also as the next word: --privacy-blocked off. */
const BOOL_WORDS = ['true', 'false', 'yes', 'no', 'on', 'off']

function parseOptionValue(spec: CommandSpec, option: OptionSpec, raw: string): string | number {
  if (option.type === 'int') {
    if (!/^-?\d+$/.test(raw.trim())) {
      throw new DomainError('BAD_OPTION', `--${option.name} needs a whole number, not "${raw}". ${usageHint(spec)}`, { field: option.name })
    }
    const value = Number(raw.trim())
    // Paging options mean the same on every command: a page of at least one, skipping none or more.
    if (option.name === 'limit' && value < 1) throw new DomainError('BAD_OPTION', `--limit is how many to show: 1 or more, not ${value}. Example: --limit 20`, { field: option.name })
    if (option.name === 'offset' && value < 0) throw new DomainError('BAD_OPTION', `--offset is how many to skip: 0 or more, not ${value}. Example: --offset 50`, { field: option.name })
    return value
  }
  return raw
}

/** Reads a command line (or pre-split words) against the registered commands; throws DomainError with usage on bad input. */
export function parseCommandLine(commands: readonly CommandSpec[], input: string | string[]): ParsedCommand {
  const words = typeof input === 'string' ? tokenize(input) : [...input]
  if (words.length === 0 || /^(help|--help|-h|\?)$/i.test(words[0]!)) return { kind: 'help', topic: words.slice(1) }
  // The longest command path that the words start with.
  let spec: CommandSpec | undefined
  for (const candidate of commands) {
    if (candidate.path.length > words.length) continue
    if (candidate.path.every((p, i) => p === words[i]!.toLowerCase()) && (!spec || candidate.path.length > spec.path.length)) spec = candidate
  }
  if (!spec) {
    if (words.length === 1 && commands.some((c) => c.path[0] === words[0]!.toLowerCase())) return { kind: 'help', topic: [words[0]!.toLowerCase()] }
    throw unknownCommand(commands, words)
  }
  const rest = words.slice(spec.path.length)
  if (rest.some((w) => w === '--help' || w === '-h')) return { kind: 'help', topic: [...spec.path] }
  const parsed: ParsedInput = { args: {}, options: {} }
  const positionals: string[] = []
  // The on/off flag a positional word came right after, to explain "--privacy-blocked maybe" if the word is left over.
  const afterFlag = new Map<number, string>()
  let onlyPositionals = false
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!
    if (!onlyPositionals && word === '--') {
      onlyPositionals = true
      continue
    }
    if (!onlyPositionals && word.startsWith('--') && word.length > 2) {
      const eq = word.indexOf('=')
      const name = (eq > 0 ? word.slice(2, eq) : word.slice(2)).toLowerCase()
      const option = spec.options.find((o) => o.name === name)
      if (!option) {
        const guess = closest(name, spec.options.map((o) => o.name))
        const allowed = spec.options.map((o) => `--${o.name}`).join(', ') || 'none'
        throw new DomainError('UNKNOWN_OPTION', `Unknown option --${name} for "${spec.path.join(' ')}".${guess ? ` Did you mean --${guess}?` : ''} Options: ${allowed}.`, { field: name })
      }
      if (option.type === 'bool') {
        // "--privacy-blocked off" as well as "--privacy-blocked=off": a following on/off word is the value.
        const next = rest[i + 1]?.toLowerCase()
        const spaced = eq < 0 && next !== undefined && BOOL_WORDS.includes(next)
        if (spaced) i++
        else if (eq < 0 && rest[i + 1] !== undefined && !rest[i + 1]!.startsWith('--')) afterFlag.set(positionals.length, name)
        const v = eq > 0 ? word.slice(eq + 1).toLowerCase() : spaced ? next! : 'true'
        if (!['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'].includes(v)) {
          throw new DomainError('BAD_OPTION', `--${name} is on or off, not "${v}".`, { field: name })
        }
        parsed.options[option.name] = ['true', 'yes', 'on', '1'].includes(v)
        continue
      }
      let value: string
      if (eq > 0) value = word.slice(eq + 1)
      else {
        const next = rest[i + 1]
        if (next === undefined || (next.startsWith('--') && next.length > 2)) {
          throw new DomainError('MISSING_VALUE', `--${name} needs a value (${option.description}). ${usageHint(spec)}`, { field: name })
        }
        value = next
        i++
      }
      if (option.type === 'list') {
        const list = (parsed.options[option.name] as string[] | undefined) ?? []
        list.push(...value.split(',').map((v) => v.trim()).filter(Boolean))
        parsed.options[option.name] = list
      } else {
        if (parsed.options[option.name] !== undefined) {
          throw new DomainError('REPEATED_OPTION', `--${name} is given twice; give it once.`, { field: name })
        }
        parsed.options[option.name] = parseOptionValue(spec, option, value)
      }
      continue
    }
    positionals.push(word)
  }
  let index = 0
  for (const arg of spec.args) {
    if (arg.rest) {
      const words = positionals.slice(index)
      const value = words.join(' ')
      index = positionals.length
      if (value) {
        parsed.args[arg.name] = value
        parsed.words = { ...parsed.words, [arg.name]: words }
      }
    } else if (index < positionals.length) {
      const value = positionals[index++]!
      if (arg.choices && !arg.choices.includes(value.toLowerCase())) {
        throw new DomainError('BAD_ARGUMENT', `<${arg.name}> is one of ${arg.choices.join(', ')}, not "${value}". ${usageHint(spec)}`, { field: arg.name })
      }
      parsed.args[arg.name] = arg.choices ? value.toLowerCase() : value
    }
    if (arg.required && parsed.args[arg.name] === undefined) {
      throw new DomainError('MISSING_ARGUMENT', `Missing <${arg.name}>: ${arg.description}. ${usageHint(spec)}`, { field: arg.name })
    }
  }
  if (index < positionals.length) {
    const flag = afterFlag.get(index)
    if (flag !== undefined) {
      throw new DomainError('BAD_OPTION', `--${flag} is on or off, not "${positionals[index]}": give --${flag} alone to turn it on, or --${flag} off to turn it off.`, { field: flag })
    }
    throw new DomainError('EXTRA_ARGUMENT', `Unexpected "${positionals.slice(index).join(' ')}" after "${spec.path.join(' ')}". ${usageHint(spec)} (Quote values with spaces.)`, { field: 'input' })
  }
  return { kind: 'command', spec, input: parsed, words }
}

function unknownCommand(commands: readonly CommandSpec[], words: string[]): DomainError {
  const first = words[0]!.toLowerCase()
  const groups = commandGroups(commands)
  if (!groups.includes(first)) {
    const guess = closest(first, groups)
    return new DomainError('UNKNOWN_COMMAND', `Unknown command "${words[0]}".${guess ? ` Did you mean "${guess}"?` : ''} Commands: ${groups.join(', ')}. Try: help`, { field: 'command' })
  }
  const subcommands = commands.filter((c) => c.path[0] === first && c.path.length > 1).map((c) => c.path.slice(1).join(' '))
  const second = words[1]
  if (!second) {
    return new DomainError('MISSING_SUBCOMMAND', `"${first}" needs a subcommand: ${subcommands.join(', ')}. Try: help ${first}`, { field: 'command' })
  }
  const guess = closest(second, subcommands)
  return new DomainError('UNKNOWN_COMMAND', `Unknown ${first} command "${second}".${guess ? ` Did you mean "${first} ${guess}"?` : ''} ${first} commands: ${subcommands.join(', ')}.`, { field: 'command' })
}
