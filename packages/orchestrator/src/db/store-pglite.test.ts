import { describeStoreContract } from "./store-contract.test-support.js";
import { pgliteFactory } from "./store-fixtures.test-support.js";

describeStoreContract("PGlite (embedded)", pgliteFactory);
