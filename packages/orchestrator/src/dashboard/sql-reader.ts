/**
 * What the dashboard and plots need from a database handle: one parameterised
 * query returning rows. The storage layer's `SweepDatabase` provides it for both
 * server Postgres and embedded PGlite.
 */
export interface SqlReader {
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}
