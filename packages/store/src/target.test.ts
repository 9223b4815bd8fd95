import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeServer, redactPassword, resolveDatabaseTarget } from "./target.js";

describe("resolveDatabaseTarget", () => {
  const url = "postgresql://me:secret@db.example:6543/sweeps";

  it("prefers --db, then DATABASE_URL, then ./.sweep", () => {
    expect(resolveDatabaseTarget({ db: url }, { DATABASE_URL: "postgres://other/x" }, "/w")).toEqual({ url });
    expect(resolveDatabaseTarget({}, { DATABASE_URL: url }, "/w")).toEqual({ url });
    expect(resolveDatabaseTarget({}, { DATABASE_URL: "" }, "/w")).toEqual({ embeddedDir: path.resolve("/w/.sweep") });
    expect(resolveDatabaseTarget({ db: "runs/store" }, {}, "/w")).toEqual({
      embeddedDir: path.resolve("/w/runs/store"),
    });
  });

  it("refuses a value that starts like another URL, without printing its credentials", () => {
    for (const db of [
      "mysql://root:hunter2@db/x",
      "postgress://root:hunter2@db/x",
      "http://root:hunter2@db",
      "s3:hunter2@b",
    ]) {
      const error = (() => {
        try {
          resolveDatabaseTarget({ db }, {}, "/w");
        } catch (thrown) {
          return thrown as Error;
        }
      })();
      expect(error?.name).toBe("UsageError");
      expect(error?.message).toMatch(/^--db: must be a postgres:\/\/ URL or a directory, got "/);
      expect(error?.message).not.toContain("hunter2");
    }
    expect(() => resolveDatabaseTarget({}, { DATABASE_URL: "postgres://u:hunter2@[::1" }, "/w")).toThrow(
      /^DATABASE_URL: not a valid postgres URL: "postgres:\/\/\*\*\*@\[::1"$/,
    );
    expect(resolveDatabaseTarget({ db: "./a:b" }, {}, "/w")).toEqual({ embeddedDir: path.resolve("/w/a:b") });
  });

  it("describes a server without its password", () => {
    expect(describeServer(url)).toBe("db.example:6543/sweeps as me");
    expect(describeServer("postgres://localhost/x")).toBe("localhost:5432/x");
    expect(redactPassword("auth failed for secret", url)).toBe("auth failed for ***");
  });
});
