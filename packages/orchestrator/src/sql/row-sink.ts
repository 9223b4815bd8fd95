/**
 * Where `sweep sql` rows go, batch by batch (the output writer); `rows` resolves when
 * they are written. A row is its values in column order: two columns may share a name.
 */
export interface RowSink {
  columns(names: string[]): void;
  rows(batch: unknown[][]): Promise<void>;
}

/** What a reading query printed: how many rows, and whether `--limit` cut more off. */
export interface ReadingOutcome {
  rows: number;
  cut: boolean;
}
