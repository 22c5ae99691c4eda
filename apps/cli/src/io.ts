/** Where the CLI writes; tests pass in-memory streams. */
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean }
  stderr: { write(chunk: string): unknown; isTTY?: boolean }
  env: NodeJS.ProcessEnv
}
