export { type ActiveBackend, initBackend } from "./backends/index.js";
export * from "./consumer/index.js";
export * from "./protocol.js";
