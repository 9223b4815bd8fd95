export * from "./protocol.js";
export * from "./consumer/index.js";
