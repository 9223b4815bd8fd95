/** An error's message for a log line. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
