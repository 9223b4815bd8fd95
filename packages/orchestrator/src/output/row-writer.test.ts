import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { columnsOf, formatRows, formatTable, jsonKeys, OUTPUT_FORMATS } from "./format-rows.js";
import { RowWriter } from "./row-writer.js";

const rows = [
  [1, 'a "quoted", name', { pool: 2 }, new Date(0)],
  [2, "line\nbreak", null, null],
];

async function written(
  format: (typeof OUTPUT_FORMATS)[number],
  batches: unknown[][][],
  names = ["id", "name", "params", "at"],
) {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk) => {
    text += String(chunk);
  });
  const writer = new RowWriter(format, out);
  writer.start(names);
  for (const batch of batches) await writer.write(batch);
  writer.end();
  return text;
}

describe("RowWriter", () => {
  for (const format of OUTPUT_FORMATS) {
    it(`prints ${format} batch by batch exactly as formatRows prints it at once`, async () => {
      const columns = columnsOf(["id", "name", "params", "at"]);
      expect(await written(format, [[rows[0] ?? []], [], [rows[1] ?? []]])).toBe(formatRows(rows, columns, format));
      expect(await written(format, [])).toBe(formatRows([], columns, format));
    });
  }

  it("prints each column's own value when two columns share a name", async () => {
    const names = ["a", "a", "?column?"];
    expect(await written("table", [[[1, 2, 3]]], names)).toBe("a  a  ?column?\n-  -  --------\n1  2         3\n");
    expect(await written("csv", [[[1, 2, 3]]], names)).toBe("a,a,?column?\n1,2,3\n");
    expect(JSON.parse(await written("json", [[[1, 2, 3]]], names))).toEqual([{ a: 1, a_2: 2, "?column?": 3 }]);
  });

  it("suffixes a repeated json key with the first suffix no other column has", () => {
    expect(jsonKeys(["a", "a", "a"])).toEqual(["a", "a_2", "a_3"]);
    expect(jsonKeys(["a", "a", "a_2", "b"])).toEqual(["a", "a_3", "a_2", "b"]);
    expect(jsonKeys(["count", "count"])).toEqual(["count", "count_2"]);
  });

  it("aligns a table of 300,000 rows without overflowing the stack", () => {
    const many = Array.from({ length: 300_000 }, (_, i) => [i]);
    const text = formatTable(many, columnsOf(["n"]));
    expect(text.split("\n")).toHaveLength(300_003);
  });
});
