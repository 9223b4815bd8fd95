import { pgliteFactory } from "../test/helpers.js";
import { describeRankingContract } from "../test/ranking-contract.js";
import { describeStoreContract } from "../test/store-contract.js";

describeStoreContract("PGlite (embedded)", pgliteFactory);
describeRankingContract("PGlite (embedded)", pgliteFactory);
