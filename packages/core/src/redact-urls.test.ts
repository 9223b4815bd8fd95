import { describe, expect, it } from "vitest";
import { redactUrls } from "./redact-urls.js";

describe("redactUrls", () => {
  it("hides the user-info of every URL in a text", () => {
    expect(redactUrls("cannot connect to NATS at nats://me:s3cret@h1:4222,tls://tok3n@h2: refused")).toBe(
      "cannot connect to NATS at nats://***@h1:4222,tls://***@h2: refused",
    );
    expect(redactUrls("postgres://u:p@ss@db:5432/x")).toBe("postgres://***@db:5432/x");
  });

  it("hides password and token query parameters", () => {
    expect(redactUrls("postgres://db/x?sslmode=require&password=s3cret&application_name=a")).toBe(
      "postgres://db/x?sslmode=require&password=***&application_name=a",
    );
  });

  it("leaves URLs without credentials and plain text alone", () => {
    for (const text of ["nats://127.0.0.1:4222", "results in embedded store /w/.sweep", "mail me@host"]) {
      expect(redactUrls(text)).toBe(text);
    }
  });
});
