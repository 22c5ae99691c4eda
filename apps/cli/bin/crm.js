#!/usr/bin/env node
// The `crm` command. Runs the TypeScript entry point directly (Node 24 strips types).
import { main } from '../src/main.ts'

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
