import { describe, expect, it } from "vitest";
import { postgresFactory, testDatabaseUrl } from "../test/helpers.js";
import { describeStoreContract } from "../test/store-contract.js";
import { isDatabaseUnavailableError } from "./errors.js";
import { openDatabase } from "./open.js";

describeStoreContract("server Postgres", postgresFactory);

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
