import { describeValue, PRINTABLE_LENGTH, printable, UsageError } from "@sweep/core";

/** How `sweep results` and `sweep sql` print rows. */
export const OUTPUT_FORMATS = ["table", "csv", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A column of printed output: its header, and how to read a row's cell. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => unknown;
}

export function parseOutputFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(
    `--format: must be one of ${OUTPUT_FORMATS.join(", ")}; got ${describeValue(value)}`,
    "--format",
  );
}

/** The columns of a SQL result: its rows are arrays of values, read by position (two columns may share a name). */
export function columnsOf(names: readonly string[]): Column<readonly unknown[]>[] {
  return names.map((name, i) => ({ header: name, value: (row) => row[i] }));
}

/**
 * The keys of a json row: each header, and for a header that repeats an earlier one,
 * the header with the first free suffix from `_2` (`a, a, a` → `a, a_2, a_3`; a suffix
 * another column already has is skipped), so no column's value is lost (docs/sql.md).
 */
export function jsonKeys(headers: readonly string[]): string[] {
  const taken = new Set(headers);
  const seen = new Set<string>();
  return headers.map((header) => {
    if (!seen.has(header)) {
      seen.add(header);
      return header;
    }
    let n = 2;
    while (taken.has(`${header}_${n}`)) n++;
    taken.add(`${header}_${n}`);
    return `${header}_${n}`;
  });
}

/** Renders rows in `format`, ending with a newline. */
export function formatRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[], format: OutputFormat): string {
  if (format === "json") {
    if (rows.length === 0) return "[]\n";
    const keys = jsonKeys(columns.map((column) => column.header));
    return `[\n${rows.map((row) => jsonElement(row, columns, keys)).join(",\n")}\n]\n`;
  }
  if (format === "csv") {
    return `${csvLine(columns.map((column) => column.header))}\n${rows.map((row) => `${csvRow(row, columns)}\n`).join("")}`;
  }
  return formatTable(rows, columns);
}

/**
 * One row as an element of a JSON array printed with 2-space indents (`formatRows`'
 * json, a row at a time), keyed by `keys` (`jsonKeys` of the headers).
 */
export function jsonElement<Row>(row: Row, columns: readonly Column<Row>[], keys: readonly string[]): string {
  const object = Object.fromEntries(columns.map((column, i) => [keys[i], column.value(row)]));
  return `  ${JSON.stringify(object, jsonReplacer, 2).replaceAll("\n", "\n  ")}`;
}

/** One row as a CSV line (no newline). */
export function csvRow<Row>(row: Row, columns: readonly Column<Row>[]): string {
  return csvLine(columns.map((column) => plainText(column.value(row))));
}

export function csvLine(texts: readonly string[]): string {
  return texts.map(csvCell).join(",");
}

/** Aligned columns (numbers to the right), a header, and a dash rule under it. */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const texts = cells.map((line) => line.map(readableText));
  const headers = columns.map((column) => printable(column.header, PRINTABLE_LENGTH.cell));
  // A loop, not Math.max(...): spreading 100,000 rows overflows the stack.
  const widths = headers.map((header, i) =>
    texts.reduce((width, line) => Math.max(width, line[i]?.length ?? 0), header.length),
  );
  const numeric = columns.map((_, i) => cells.length > 0 && cells.every((line) => isNumberLike(line[i])));
  const pad = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0));
  const lines = [headers.map(pad), widths.map((width) => "-".repeat(width)), ...texts.map((line) => line.map(pad))];
  return `${lines.map((line) => line.join("  ").trimEnd()).join("\n")}\n`;
}

/** A number as people read it: integers whole, others with 4 decimals (tiny ones in 4 significant digits). */
export function readableNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 0.001) return value.toPrecision(4);
  return value.toFixed(4);
}

/** A table cell: numbers readable, text printable (control characters escaped, cut to a cell's length). */
function readableText(value: unknown): string {
  if (typeof value === "number") return readableNumber(value);
  return printable(plainText(value), PRINTABLE_LENGTH.cell);
}

function plainText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, jsonReplacer);
  return String(value);
}

function isNumberLike(value: unknown): boolean {
  return value === null || value === undefined || typeof value === "number" || typeof value === "bigint";
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
