import { describeValue, UsageError } from "../errors.js";
import type { ModelSpec } from "../model-spec.js";
import { type BatchNormPlace, batchNormPlace } from "./block-spec.js";
import { type ConvSpec, MODEL_LIMITS, type PoolSpec } from "./parts.js";

/** One conv block of a model, resolved from whichever form the spec uses. */
export interface ResolvedBlock {
  conv: ConvSpec[];
  pool: PoolSpec | null;
  dropout: number;
  batchNorm?: BatchNormPlace;
  /**
   * Where the block is written, for messages: `model.blocks[1]`, `model.block` (with
   * `note` "block 2 of 3"), or undefined for the flat spec (whose messages stay as they were).
   */
  path?: string;
  note?: string;
}

/** True when the model is built from `blocks` or `block` rather than the flat keys. */
export function usesBlocks(model: ModelSpec): boolean {
  return (model.blocks !== undefined && model.blocks !== null) || model.block !== undefined;
}

/** The keys a block model does not read; setting them next to blocks is a mistake. */
export const FLAT_CONV_KEYS = ["conv", "pool", "conv_dropout", "batch_norm"] as const;

/**
 * The conv blocks of a (schema-valid) model spec, in order. Throws a UsageError
 * naming the model path when the spec's forms contradict each other or a block
 * normalizes no conv layer.
 */
export function resolveBlocks(model: ModelSpec): ResolvedBlock[] {
  const blocks = blocksOf(model);
  for (const block of blocks) {
    if (block.batchNorm && block.conv.length === 0) {
      const where = `${block.path ?? "model"}.batch_norm`;
      const holder = block.path ? "the block has" : "the model has";
      throw new UsageError(
        `${where}: normalizes conv layers, but ${holder} none${block.note ? ` (${block.note})` : ""}, got ${describeValue(block.batchNorm)}`,
        where,
      );
    }
  }
  return blocks;
}

function blocksOf(model: ModelSpec): ResolvedBlock[] {
  const hasBlocks = model.blocks !== undefined && model.blocks !== null;
  if (hasBlocks && model.block) fail("model.block", "cannot be used together with model.blocks", model.block);
  if (model.depth !== undefined && !model.block)
    fail("model.depth", "needs a model.block template to repeat", model.depth);
  if (usesBlocks(model) && batchNormPlace(model.batch_norm)) {
    fail("model.batch_norm", "is a flat-spec key; a block model sets batch_norm in each block", model.batch_norm);
  }
  if (model.blocks) {
    return model.blocks.map((block, index) => ({
      conv: block.conv,
      pool: block.pool ?? null,
      dropout: block.dropout ?? 0,
      batchNorm: batchNormPlace(block.batch_norm),
      path: `model.blocks[${index}]`,
    }));
  }
  if (model.block) return repeatTemplate(model.block, model.depth ?? 1);
  return [
    { conv: model.conv, pool: model.pool, dropout: model.conv_dropout, batchNorm: batchNormPlace(model.batch_norm) },
  ];
}

function repeatTemplate(template: NonNullable<ModelSpec["block"]>, depth: number): ResolvedBlock[] {
  const growth = template.growth ?? 2;
  return Array.from({ length: depth }, (_, index) => {
    const conv = template.conv.map((layer) => {
      const exact = layer.filters * growth ** index;
      // Math.round rounds half up (2.5 → 3), not to even as Python's round() does.
      const filters = Math.round(exact);
      if (filters < 1) {
        fail(
          "model.block.growth",
          `makes block ${index + 1} of ${depth} a conv of 0 filters (${layer.filters} × ${growth}^${index} = ${Number(exact.toPrecision(6))}, rounded half up); a conv needs at least 1`,
          growth,
        );
      }
      if (filters > MODEL_LIMITS.width) {
        fail(
          "model.block.growth",
          `makes block ${index + 1} of ${depth} a conv of ${filters} filters, more than the limit of ${MODEL_LIMITS.width}`,
          growth,
        );
      }
      return { ...layer, filters };
    });
    return {
      conv,
      pool: template.pool ?? null,
      dropout: template.dropout ?? 0,
      batchNorm: batchNormPlace(template.batch_norm),
      path: "model.block",
      note: `block ${index + 1} of ${depth}`,
    };
  });
}

function fail(where: string, rule: string, value: unknown): never {
  throw new UsageError(`${where}: ${rule}, got ${describeValue(value)}`, where);
}

/**
 * Throws when a config's `model` mapping (as written, before defaults) sets a flat
 * conv key next to `blocks` or `block`: the block model would silently ignore it.
 */
export function checkWrittenModel(model: unknown): void {
  if (model === null || typeof model !== "object") return;
  const written = model as Record<string, unknown>;
  const form = written.blocks !== undefined && written.blocks !== null ? "blocks" : written.block ? "block" : undefined;
  if (!form) return;
  const flat = FLAT_CONV_KEYS.find((key) => Object.hasOwn(written, key));
  if (flat) {
    fail(
      `model.${flat}`,
      `is not read by a model built from model.${form} (each block holds its own conv, pool, dropout, batch_norm)`,
      written[flat],
    );
  }
}
