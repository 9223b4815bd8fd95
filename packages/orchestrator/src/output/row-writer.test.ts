import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { columnsOf, formatRows, formatTable, OUTPUT_FORMATS } from "./format-rows.js";
import { RowWriter } from "./row-writer.js";

const rows = [
  { id: 1, name: 'a "quoted", name', params: { pool: 2 }, at: new Date(0) },
  { id: 2, name: "line\nbreak", params: null, at: null },
];

async function written(format: (typeof OUTPUT_FORMATS)[number], batches: Record<string, unknown>[][]) {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk) => {
    text += String(chunk);
  });
  const writer = new RowWriter(format, out);
  writer.start(["id", "name", "params", "at"]);
  for (const batch of batches) await writer.write(batch);
  writer.end();
  return text;
}

describe("RowWriter", () => {
  for (const format of OUTPUT_FORMATS) {
    it(`prints ${format} batch by batch exactly as formatRows prints it at once`, async () => {
      const columns = columnsOf(["id", "name", "params", "at"]);
      expect(await written(format, [[rows[0] ?? {}], [], [rows[1] ?? {}]])).toBe(formatRows(rows, columns, format));
      expect(await written(format, [])).toBe(formatRows([], columns, format));
    });
  }

  it("aligns a table of 300,000 rows without overflowing the stack", () => {
    const many = Array.from({ length: 300_000 }, (_, i) => ({ n: i }));
    const text = formatTable(many, columnsOf(["n"]));
    expect(text.split("\n")).toHaveLength(300_003);
  });
});
