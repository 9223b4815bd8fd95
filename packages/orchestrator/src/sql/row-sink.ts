/** Where `sweep sql` rows go, batch by batch (the output writer); `rows` resolves when they are written. */
export interface RowSink {
  columns(names: string[]): void;
  rows(batch: Record<string, unknown>[]): Promise<void>;
}

/** What a reading query printed: how many rows, and whether `--limit` cut more off. */
export interface ReadingOutcome {
  rows: number;
  cut: boolean;
}
