import { once } from "node:events";
import {
  type Column,
  columnsOf,
  csvLine,
  csvRow,
  formatTable,
  jsonElement,
  jsonKeys,
  type OutputFormat,
} from "./format-rows.js";

/**
 * Writes rows as they arrive, in the same text `formatRows` makes of them at once:
 * csv and json a batch at a time (waiting when `out` is full, so memory stays bounded
 * whatever the row count); a table needs every row to align its columns, so it keeps
 * them and prints at the end. A row is its values in column order.
 */
export class RowWriter {
  private columns: Column<readonly unknown[]>[] = [];
  private keys: string[] = [];
  private readonly tableRows: (readonly unknown[])[] = [];
  private written = 0;

  constructor(
    private readonly format: OutputFormat,
    private readonly out: NodeJS.WritableStream = process.stdout,
  ) {}

  start(names: string[]): void {
    this.columns = columnsOf(names);
    this.keys = jsonKeys(names);
    if (this.format === "csv") this.out.write(`${csvLine(names)}\n`);
  }

  async write(rows: readonly (readonly unknown[])[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.format === "table") {
      for (const row of rows) this.tableRows.push(row);
      return;
    }
    const texts = rows.map((row, i) =>
      this.format === "csv"
        ? `${csvRow(row, this.columns)}\n`
        : `${this.written + i === 0 ? "[\n" : ",\n"}${jsonElement(row, this.columns, this.keys)}`,
    );
    this.written += rows.length;
    if (!this.out.write(texts.join(""))) await once(this.out, "drain");
  }

  end(): void {
    if (this.format === "table") this.out.write(formatTable(this.tableRows, this.columns));
    if (this.format === "json") this.out.write(this.written === 0 ? "[]\n" : "\n]\n");
  }
}
