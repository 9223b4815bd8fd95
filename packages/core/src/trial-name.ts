import { canonicalJson } from "./canonical-json.js";

/**
 * A short readable form of a trial's differing parameters, for ranking tables:
 * `conv=2x[32,64] pool=4 dense=[128]`. The section (`model.`, `training.`,
 * `dataset.`) is dropped from each path (`pool.size` reads `pool`); conv stacks read `<depth>x[filters…]`
 * (a kernel other than 3 as `64k5`, a stride other than 1 as `s2`, same padding
 * as `same`); pools read their size (`avg4` for average pooling, `none` for null);
 * batch_norm (flat or `block.`) reads `bn=off|before|after`;
 * blocks read `<count>x[[filters…]p<pool>+bn…]` (`+bn` batch_norm before the
 * activation, `+bna` after it, `d<rate>` dropout); dense stacks read their units; fractions keep 4 significant digits (`learning_rate=0.01235`).
 * The one form of params everywhere: trial names, `sweep plan`, the dashboard, plot subtitles.
 */
export function describeTrialParams(params: Record<string, unknown>, separator = " "): string {
  return Object.entries(params)
    .map(([path, value]) => {
      const key = path
        .split(".")
        .slice(1)
        .join(".")
        .replace(/^pool\.size$/, "pool")
        .replace(/^(block\.)?batch_norm$/, "bn");
      return `${key}=${describeParamValue(key, value)}`;
    })
    .join(separator);
}

function describeParamValue(key: string, value: unknown): string {
  if (key === "conv" && Array.isArray(value)) return `${value.length}x[${value.map(describeConv).join(",")}]`;
  if (key === "bn")
    return value === true ? "before" : typeof value === "string" ? value.replace(/_activation$/, "") : "off";
  if (key === "blocks" && Array.isArray(value)) return `${value.length}x[${value.map(describeBlock).join(",")}]`;
  if (key === "dense" && Array.isArray(value)) return `[${value.map(describeDense).join(",")}]`;
  if (key === "pool") return value === null ? "none" : Array.isArray(value) ? describePair(value) : describePool(value);
  if (typeof value === "string") return value;
  if (typeof value === "number" && !Number.isInteger(value)) return String(Number(value.toPrecision(4)));
  return canonicalJson(value);
}

function describeConv(conv: unknown): string {
  if (conv === null || typeof conv !== "object") return canonicalJson(conv);
  const { filters, kernel = 3, strides = 1, padding = "valid", activation = "relu" } = conv as Record<string, unknown>;
  let text = String(filters);
  if (describePair(kernel) !== "3") text += `k${describePair(kernel)}`;
  if (describePair(strides) !== "1") text += `s${describePair(strides)}`;
  if (padding !== "valid") text += String(padding);
  if (activation !== "relu") text += String(activation);
  return text;
}

function describeBlock(block: unknown): string {
  if (block === null || typeof block !== "object") return canonicalJson(block);
  const { conv = [], pool, dropout, batch_norm } = block as Record<string, unknown>;
  let text = `[${Array.isArray(conv) ? conv.map(describeConv).join(",") : canonicalJson(conv)}]`;
  if (pool !== undefined && pool !== null) text += `p${describePool(pool)}`;
  if (batch_norm === true || batch_norm === "before_activation") text += "+bn";
  if (batch_norm === "after_activation") text += "+bna";
  if (typeof dropout === "number" && dropout > 0) text += `d${dropout}`;
  return text;
}

function describeDense(dense: unknown): string {
  if (typeof dense === "number") return String(dense);
  if (dense === null || typeof dense !== "object") return canonicalJson(dense);
  const { units, activation = "relu" } = dense as Record<string, unknown>;
  return activation === "relu" ? String(units) : `${units}${activation}`;
}

function describePool(pool: unknown): string {
  if (pool === null || typeof pool !== "object") return canonicalJson(pool);
  const { type = "max", size = 2 } = pool as Record<string, unknown>;
  return `${type === "avg" ? "avg" : ""}${describePair(size)}`;
}

/** `4`, `[4, 4]` → `4`; `[2, 3]` → `2x3`. */
function describePair(size: unknown): string {
  if (!Array.isArray(size)) return String(size);
  return size[0] === size[1] ? String(size[0]) : size.join("x");
}
