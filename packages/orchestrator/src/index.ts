export { buildProgram, main } from "./cli.js";
export * from "./db/index.js";
