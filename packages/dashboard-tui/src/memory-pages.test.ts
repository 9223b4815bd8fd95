import { seededRandom } from "@sweep/core";
import { describe, expect, it } from "vitest";
import { median } from "./memory-pages.js";

describe("median", () => {
  it("agrees with sorting on odd and even counts, ties and negatives", () => {
    const cases = [[3], [2, 1], [5, 1, 4, 2, 3], [7, 7, 7, 1], [-1, 4, 4, 2, 9, 0], [10, 2, 33, 4, 4, 4, 8, 1]];
    const random = seededRandom(7);
    cases.push(Array.from({ length: 1001 }, () => Math.floor(random() * 97)));
    for (const values of cases) {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = Math.floor(sorted.length / 2);
      const expected =
        sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
      expect(median(values)).toBe(expected);
    }
    expect(median([])).toBeNull();
  });
});
