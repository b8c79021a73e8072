import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors } from "../src/safetensors.js";

describe("safetensors", () => {
  it("lays out the bytes as the format specification says", () => {
    const bytes = encodeSafetensors(
      { a: { shape: [2], data: new Float32Array([1, -2]) }, b: { shape: [1, 1], data: new Int32Array([7]) } },
      { format: "pt" },
    );
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({
      __metadata__: { format: "pt" },
      a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
      b: { dtype: "I32", shape: [1, 1], data_offsets: [8, 12] },
    });
    expect(bytes.length).toBe(8 + n + 12);
    // IEEE-754 little endian: 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0; 7 = 07 00 00 00.
    expect([...bytes.subarray(8 + n)]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 7, 0, 0, 0]);
  });

  it("round-trips values bit for bit", () => {
    const data = new Float32Array([Math.PI, -0, 1e-38, 3.4e38, Number.NaN]);
    const out = decodeSafetensors(encodeSafetensors({ x: { shape: [5], data } }));
    expect(new Uint8Array((out.tensors.x.data as Float32Array).buffer)).toEqual(new Uint8Array(data.buffer));
  });

  it("refuses truncated files, lying headers and holes with a clear error", () => {
    const good = encodeSafetensors({ x: { shape: [3], data: new Float64Array([1, 2, 3]) } });
    expect(() => decodeSafetensors(good.subarray(0, good.length - 1), "m.safetensors")).toThrow(
      /m\.safetensors.*truncated/,
    );
    expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(/shorter than the 8-byte/);
    const lying = good.slice();
    new DataView(lying.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(lying)).toThrow(/header claims/);
    const extra = new Uint8Array(good.length + 4);
    extra.set(good);
    expect(() => decodeSafetensors(extra)).toThrow(/not described by the header/);
  });

  it("reads a Node Buffer (whose slice is a view) as plain bytes", () => {
    const bytes = encodeSafetensors({ a: { shape: [2], data: new Float32Array([1.5, -2]) } });
    const pooled = Buffer.concat([Buffer.alloc(3), Buffer.from(bytes)]).subarray(3);
    const out = decodeSafetensors(pooled);
    expect(Array.from(out.tensors.a.data as Float32Array)).toEqual([1.5, -2]);
  });
});
