/** Reports a failure the server carries on after, on standard error. */
export function logError(message: string, err: unknown): void {
  console.error(`billgate: ${message}`, err)
}
