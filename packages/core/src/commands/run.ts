import { RecordNotFoundError } from '@crm/db'
import { DomainError } from '../errors.ts'
import { contactCommands } from './contact-commands.ts'
import { interactionCommands } from './interaction-commands.ts'
import { opportunityCommands } from './opportunity-commands.ts'
import { campaignCommands, segmentCommands } from './segment-commands.ts'
import { parseCommandLine } from './parse.ts'
import { setupCommands } from './setup-commands.ts'
import { commandGroups, usageOf, type CommandContext, type CommandSpec } from './spec.ts'
import type { ResultView } from './views.ts'

/** Every command of the core grammar, shared by Slack (/crm ...) and the shell (crm ...). */
export const coreCommands: readonly CommandSpec[] = [...contactCommands, ...interactionCommands, ...opportunityCommands, ...segmentCommands, ...campaignCommands, ...setupCommands]

const GROUP_SUMMARIES: Record<string, string> = {
  contact: 'find, create, edit, merge and erase contacts',
  setup: 'settings, number series, codes, templates and sales cycles',
  salesperson: 'the team\'s salespeople',
  log: 'log an interaction with a contact',
  interactions: 'a contact\'s interaction history and statistics',
  interaction: 'show, cancel or restore one interaction',
  opp: 'sales opportunities: create, move through stages, close, forecast',
  segment: 'segments: build contact lists by filters, undo, save criteria, log',
  campaign: 'campaigns: segments, responses and statistics',
}

/** Help for the whole grammar, a group (e.g. "contact") or one command. */
export function helpView(commands: readonly CommandSpec[], topic: string[], extraGroups: Record<string, string> = {}): ResultView {
  const words = topic.map((t) => t.toLowerCase())
  const exact = commands.find((c) => c.path.length === words.length && c.path.every((p, i) => p === words[i]))
  if (exact) {
    const sections: Array<{ heading?: string; lines: string[] }> = [{ heading: 'Usage', lines: [usageOf(exact)] }]
    if (exact.args.length) sections.push({ heading: 'Arguments', lines: exact.args.map((a) => `${a.name}: ${a.description}${a.required ? '' : ' (optional)'}`) })
    if (exact.options.length) sections.push({ heading: 'Options', lines: exact.options.map((o) => `--${o.name}${o.type === 'bool' ? '' : o.type === 'int' ? ' <number>' : ' <value>'}  ${o.description}${o.type === 'list' ? ' (repeatable, comma-separated)' : ''}`) })
    if (exact.notes?.length) sections.push({ heading: 'Notes', lines: [...exact.notes] })
    sections.push({ heading: 'Examples', lines: [...exact.examples] })
    return { kind: 'help', title: `${exact.path.join(' ')}: ${exact.summary}`, sections, data: { command: exact.path.join(' '), usage: usageOf(exact), summary: exact.summary, examples: exact.examples } }
  }
  const inGroup = commands.filter((c) => words.every((w, i) => c.path[i] === w))
  if (words.length > 0 && inGroup.length > 0) {
    return {
      kind: 'help',
      title: `${words.join(' ')} commands`,
      sections: [{ lines: inGroup.map((c) => `${usageOf(c)}\n      ${c.summary}`) }, { heading: 'More', lines: [`help ${inGroup[0]!.path.join(' ')}`] }],
      data: { commands: inGroup.map((c) => ({ command: c.path.join(' '), usage: usageOf(c), summary: c.summary })) },
    }
  }
  if (words.length > 0) throw new DomainError('UNKNOWN_HELP_TOPIC', `No help for "${topic.join(' ')}". Try: help`)
  const summaries = { ...GROUP_SUMMARIES, ...extraGroups }
  const groups = commandGroups(commands)
  return {
    kind: 'help',
    title: 'Commands',
    sections: [
      { lines: groups.map((g) => `${g.padEnd(12)} ${summaries[g] ?? ''}`.trimEnd()) },
      { heading: 'More', lines: ['help <command>   e.g. help contact add', 'Quote values with spaces: contact add company "Hekla Útgerð ehf"'] },
    ],
    data: { groups: groups.map((g) => ({ group: g, summary: summaries[g] ?? '' })) },
  }
}

function checkAccess(ctx: CommandContext, spec: CommandSpec): void {
  if (spec.access === 'read' || ctx.actor.isAdmin) return
  if (spec.access === 'admin') {
    throw new DomainError('FORBIDDEN', `"${spec.path.join(' ')}" is for admins. Ask an admin of your CRM to do it.`)
  }
  if (!ctx.actor.salespersonCode) {
    throw new DomainError('NOT_LINKED', 'You can search and view, but to change anything your account must be linked to a salesperson. Ask an admin to run: me link <salesperson>')
  }
}

/** Turns errors a query raised for a missing row into a DomainError the user can act on. */
export function toDomainError(error: unknown): unknown {
  if (error instanceof RecordNotFoundError) return new DomainError('NOT_FOUND', `There is no ${error.entity.toLowerCase()} ${error.key}.`)
  return error
}

/**
 * Parses, checks access for, and runs one command line. Throws DomainError (with a message naming the bad
 * part and the usage) for bad input; any other error is a bug for the edge to log.
 */
export async function runCommand(ctx: CommandContext, line: string | string[], commands: readonly CommandSpec[] = coreCommands, extraGroups: Record<string, string> = {}): Promise<ResultView> {
  try {
    const parsed = parseCommandLine(commands, line)
    if (parsed.kind === 'help') return helpView(commands, parsed.topic, extraGroups)
    checkAccess(ctx, parsed.spec)
    return await parsed.spec.run(ctx, parsed.input)
  } catch (error) {
    throw toDomainError(error)
  }
}
