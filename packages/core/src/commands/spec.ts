import type { Actor, CoreDeps } from '../deps.ts'
import type { ResultView } from './views.ts'

export type OptionType = 'string' | 'int' | 'bool' | 'list'

/** One `--option` of a command. `list` options may be repeated and accept comma-separated values. */
export interface OptionSpec {
  name: string
  type: OptionType
  description: string
  placeholder?: string
}

/** One positional argument. A `rest` argument takes all remaining words, joined by spaces. */
export interface ArgSpec {
  name: string
  description: string
  required?: boolean
  rest?: boolean
  choices?: readonly string[]
}

export type Access = 'read' | 'write' | 'admin'

/** Where a command is running and who runs it. */
export interface CommandContext {
  deps: CoreDeps
  actor: Actor
  source: 'cli' | 'slack' | 'test'
}

export interface ParsedInput {
  args: Record<string, string | undefined>
  /** A rest argument's words one by one (a quoted word with spaces stays one word), e.g. filter terms. */
  words?: Record<string, string[]>
  options: Record<string, string | number | boolean | string[] | undefined>
}

/** A command of the grammar: how it is written, documented, checked and run. */
export interface CommandSpec {
  path: readonly string[]
  summary: string
  args: readonly ArgSpec[]
  options: readonly OptionSpec[]
  examples: readonly string[]
  access: Access
  /** Extra lines of help shown under the usage. */
  notes?: readonly string[]
  run(ctx: CommandContext, input: ParsedInput): Promise<ResultView>
}

/** Usage line of a command, e.g. `contact add <type> <name...> [--email <value>]`. */
export function usageOf(spec: CommandSpec): string {
  const args = spec.args.map((a) => {
    const label = a.choices ? a.choices.join('|') : a.name
    const inner = a.rest ? `${label}...` : label
    return a.required ? `<${inner}>` : `[${inner}]`
  })
  return [...spec.path, ...args, ...(spec.options.length ? ['[options]'] : [])].join(' ')
}

const GROUP_ORDER = ['help', 'contact', 'log', 'interactions', 'interaction', 'opp', 'segment', 'campaign', 'me', 'setup', 'salesperson']

/** The command groups (first words) in the order help shows them: daily work first, setup last. */
export function commandGroups(commands: readonly CommandSpec[]): string[] {
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length)
  return [...new Set(commands.map((c) => c.path[0]!))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}
