import { describe, expect, it } from "vitest";
import { postgresFactory, testDatabaseUrl } from "../test/helpers.js";
import { describeRankingContract } from "../test/ranking-contract.js";
import { describeStoreContract } from "../test/store-contract.js";
import type { SweepDatabase } from "./database.js";
import { isDatabaseUnavailableError } from "./errors.js";
import { openDatabase } from "./open.js";
import { lockSweepDecisions } from "./rung-decisions.js";
import { sql } from "./sql.js";

describeStoreContract("server Postgres", postgresFactory);
describeRankingContract("server Postgres", postgresFactory);

describe("opening a server database", () => {
  const password = "hunter2-secret";

  it("names host:port/database but never the password when the server is unreachable", async () => {
    const error = await openDatabase({ url: `postgres://sweeper:${password}@127.0.0.1:1/results` }).catch((e) => e);
    expect(isDatabaseUnavailableError(error)).toBe(true);
    expect(error.message).toMatch(/^cannot open Postgres at 127\.0\.0\.1:1\/results as sweeper: .*ECONNREFUSED/);
    expect(error.message).not.toContain(password);
    expect(error.message.split("\n")).toHaveLength(1);
  });

  it("does not leak the password when the server refuses the database", async () => {
    const url = new URL(testDatabaseUrl("no_such_db_x"));
    url.password = password;
    const error = await openDatabase({ url: url.toString() }).catch((e) => e);
    expect(error.message).toMatch(/^cannot open Postgres at [\d.]+:\d+\/no_such_db_x as postgres: .*does not exist/);
    expect(error.message).not.toContain(password);
  });
});

describe("the search controller's decision lock", () => {
  const factory = postgresFactory();

  /** Whether a session of this database waits for an advisory lock another one holds. */
  async function waitsForAdvisoryLock(observer: SweepDatabase): Promise<boolean> {
    const [row] = await observer.query<{ waiting: boolean }>(sql`
      SELECT count(*) > 0 AS waiting FROM pg_locks
      WHERE locktype = 'advisory' AND NOT granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    return row?.waiting === true;
  }

  it("holds a second decider of the same sweep until the first commits, and not one of another sweep", async () => {
    // Two handles of one database: two `sweep serve` processes; a third watches the locks.
    const first = await factory.open();
    const second = await factory.open();
    const observer = await factory.open();
    try {
      const order: string[] = [];
      let firstLocked: () => void = () => {};
      const locked = new Promise<void>((resolve) => {
        firstLocked = resolve;
      });
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const one = first.transaction(async (tx) => {
        await lockSweepDecisions(tx, ["s-a"]);
        order.push("first locked s-a");
        firstLocked();
        await held;
        order.push("first commits");
      });
      await locked;
      await second.transaction(async (tx) => lockSweepDecisions(tx, ["s-b"]));
      order.push("second locked s-b");
      let twoEnded = false;
      const two = second
        .transaction(async (tx) => {
          await lockSweepDecisions(tx, ["s-b", "s-a"]);
          order.push("second locked s-a");
        })
        .finally(() => {
          twoEnded = true;
        });
      // The first commits only once the second waits for its lock, or got past it (a broken lock).
      while (!twoEnded && !(await waitsForAdvisoryLock(observer))) await new Promise((r) => setTimeout(r, 10));
      release();
      await Promise.all([one, two]);
      expect(order).toEqual(["first locked s-a", "second locked s-b", "first commits", "second locked s-a"]);
    } finally {
      await factory.dispose();
    }
  });
});
