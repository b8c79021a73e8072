import { parseModelSpec } from "@rnnlm/core";
import { parameterNames } from "@rnnlm/core/backend";
import { describe, expect, it } from "vitest";
import {
  PACKED_DECODER,
  packDecoderEntries,
  type StoredTensor,
  trainParameterShapes,
  unpackDecoderEntries,
} from "../src/train/decoder-packing.js";

const untied = parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 3, numLayers: 1, embeddingSize: 4 });
const tied = parseModelSpec({ cell: "lstm", vocabSize: 5, hiddenSize: 4, numLayers: 1, embeddingSize: 4, tied: true });

const counting = (dims: number[], from: number): StoredTensor => ({
  dims,
  data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => from + i),
});

describe("the packed decoder of the training graphs", () => {
  it("replaces an untied decoder's weight and bias by one (H + 1, V) parameter in their place", () => {
    const names = [...trainParameterShapes(untied).keys()];
    expect(names).toEqual([
      ...parameterNames(untied).filter((n) => n !== "decoder.weight" && n !== "decoder.bias"),
      PACKED_DECODER,
    ]);
    expect(trainParameterShapes(untied).get(PACKED_DECODER)).toEqual([4, 5]);
  });

  it("leaves a tied decoder (encoder.weight and decoder.bias) as it is", () => {
    expect([...trainParameterShapes(tied).keys()]).toEqual(parameterNames(tied));
  });

  it("packs the weight transposed over the bias, and unpacks to equal copies, under a buffer prefix", () => {
    const entries = new Map<string, StoredTensor>([
      ["exp_avg.rnn.bias_hh_l0", counting([9], 0)],
      ["exp_avg.decoder.weight", counting([5, 3], 100)],
      ["exp_avg.decoder.bias", counting([5], 200)],
    ]);
    const packed = packDecoderEntries(entries, "exp_avg.");
    expect([...packed.keys()]).toEqual(["exp_avg.rnn.bias_hh_l0", `exp_avg.${PACKED_DECODER}`]);
    const p = packed.get(`exp_avg.${PACKED_DECODER}`);
    expect(p?.dims).toEqual([4, 5]);
    // Row 1 is the weight's column 1; the last row the bias.
    expect([...(p?.data.subarray(5, 10) ?? [])]).toEqual([101, 104, 107, 110, 113]);
    expect([...(p?.data.subarray(15, 20) ?? [])]).toEqual([200, 201, 202, 203, 204]);
    expect(packed.get("exp_avg.rnn.bias_hh_l0")).toBe(entries.get("exp_avg.rnn.bias_hh_l0"));

    const back = unpackDecoderEntries(packed, "exp_avg.");
    expect([...back.keys()]).toEqual([...entries.keys()]);
    for (const [key, t] of entries) {
      expect(back.get(key)?.dims).toEqual(t.dims);
      expect(back.get(key)?.data).toEqual(t.data);
    }
    // Another prefix's decoder is not touched.
    expect(packDecoderEntries(entries, "momentum.")).toEqual(entries);
  });

  it("transposes across its tiles (a decoder wider and taller than one)", () => {
    const entries = new Map([
      ["decoder.weight", counting([130, 70], 0)],
      ["decoder.bias", counting([130], -130)],
    ]);
    const packed = packDecoderEntries(entries).get(PACKED_DECODER);
    expect(packed?.dims).toEqual([71, 130]);
    // packed[h][r] = weight[r][h]
    expect(packed?.data[69 * 130 + 129]).toBe(129 * 70 + 69);
    expect(packed?.data[65 * 130 + 66]).toBe(66 * 70 + 65);
    expect(packed?.data[70 * 130 + 3]).toBe(-127);
    const back = unpackDecoderEntries(new Map([[PACKED_DECODER, packed as StoredTensor]]));
    expect(back.get("decoder.weight")?.data).toEqual(entries.get("decoder.weight")?.data);
    expect(back.get("decoder.bias")?.data).toEqual(entries.get("decoder.bias")?.data);
  });
});
