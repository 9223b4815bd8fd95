import { describe, expect, it } from "vitest";
import { checkReadingStatement } from "./reading-statement.js";

const refusedBecause = async (sql: string) =>
  checkReadingStatement(sql).then(
    () => "accepted",
    (error: Error) => error.message.replace("<query>: sweep sql refused the statement: ", ""),
  );

describe("checkReadingStatement", () => {
  it("accepts one reading statement and keeps its text without the semicolon", async () => {
    await expect(checkReadingStatement("SELECT 1;")).resolves.toEqual({ text: "SELECT 1", kind: "select" });
    for (const sql of [
      "VALUES (1), (2)",
      "TABLE trials",
      "WITH x AS (SELECT 1) SELECT * FROM x",
      "SELECT pg_sleep(1)",
    ]) {
      await expect(checkReadingStatement(sql)).resolves.toMatchObject({ text: sql, kind: "select" });
    }
    await expect(checkReadingStatement("EXPLAIN ANALYZE SELECT 1")).resolves.toMatchObject({ kind: "explain" });
  });

  it("refuses every other kind, naming it", async () => {
    expect(await refusedBecause("COPY trials TO PROGRAM 'id'")).toBe(
      "only a reading statement (SELECT, VALUES, TABLE, WITH … SELECT, EXPLAIN) runs, got COPY",
    );
    expect(await refusedBecause("DO $$ BEGIN PERFORM 1; END $$")).toMatch(/got DO$/);
    expect(await refusedBecause("SET statement_timeout = 0")).toMatch(/got VARIABLE SET$/);
    expect(await refusedBecause("EXPLAIN ANALYZE DELETE FROM trials")).toMatch(/got EXPLAIN$/);
    expect(await refusedBecause("SELECT 1; SELECT 2")).toBe("one statement only, got 2");
    expect(await refusedBecause(" -- nothing")).toBe("no statement given");
    expect(await refusedBecause("SELEC 1")).toBe('syntax error at or near "SELEC" (at character 1)');
  });

  it("refuses writes, locks and tables hidden inside a reading statement", async () => {
    expect(await refusedBecause("WITH d AS (DELETE FROM epochs RETURNING 1) SELECT * FROM d")).toBe(
      "it writes (DELETE)",
    );
    expect(await refusedBecause("SELECT * INTO copy FROM trials")).toBe("SELECT … INTO creates a table");
    expect(await refusedBecause("SELECT * FROM trials FOR UPDATE")).toBe("FOR UPDATE/SHARE locks rows");
  });

  it("refuses dangerous functions wherever they are, schema-qualified or not", async () => {
    const cases: Array<[string, string]> = [
      [
        "SELECT pg_catalog.set_config('statement_timeout', '0', false)",
        '"set_config" is not allowed: it changes a setting',
      ],
      ["SELECT lo_from_bytea(0, 'x')", '"lo_from_bytea" is not allowed: it creates or reads large objects'],
      ["SELECT * FROM trials WHERE pg_terminate_backend(1)", '"pg_terminate_backend" is not allowed: it stops'],
      ["SELECT (SELECT pg_read_file('/etc/passwd'))", '"pg_read_file" is not allowed: it reads the database server'],
      ["SELECT * FROM dblink('x', 'y') AS t(a int)", '"dblink" is not allowed'],
      ["SELECT query_to_xml('select 1', true, true, '')", '"query_to_xml" is not allowed: it runs SQL given as text'],
      ["SELECT pg_advisory_lock(1)", '"pg_advisory_lock" is not allowed: it takes locks'],
      ["SELECT nextval('s')", '"nextval" is not allowed'],
    ];
    for (const [sql, reason] of cases) expect(await refusedBecause(sql)).toContain(reason);
  });

  it("walks a deeply nested statement without overflowing", async () => {
    const nested = `SELECT ${"(".repeat(500)}1${")".repeat(500)}`;
    expect(await refusedBecause(nested)).toBe("accepted");
  });
});
