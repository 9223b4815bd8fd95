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

  it("describes a server without its password", () => {
    expect(describeServer(url)).toBe("db.example:6543/sweeps as me");
    expect(describeServer("postgres://localhost/x")).toBe("localhost:5432/x");
    expect(redactPassword("auth failed for secret", url)).toBe("auth failed for ***");
  });
});
