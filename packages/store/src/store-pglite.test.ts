import { pgliteFactory } from "../test/helpers.js";
import { describeStoreContract } from "../test/store-contract.js";

describeStoreContract("PGlite (embedded)", pgliteFactory);
