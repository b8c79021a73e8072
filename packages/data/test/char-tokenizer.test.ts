import { describe, expect, it } from "vitest";
import { CharTokenizer } from "../src/char-tokenizer.js";

describe("CharTokenizer", () => {
  it("d2l default: cleans each line and glues lines with nothing between; empty lines vanish", () => {
    const t = new CharTokenizer();
    expect(t.tokenize("Ab, c\n\n  \nD!\n").join("")).toBe("ab cd");
    expect(t.tokenize("Ab, c\n\n  \nD!\n")).toEqual(["a", "b", " ", "c", "d"]);
    expect(t.separator).toBe("");
    expect(t.kind).toBe("char");
  });

  it("keeps a prompt's trailing space (unterminated last line) but trims corpus lines", () => {
    const t = new CharTokenizer();
    expect(t.tokenize("time traveller ").join("")).toBe("time traveller ");
    expect(t.tokenize("time traveller \n").join("")).toBe("time traveller");
    const lines: string[] = [];
    t.tokenizeLine("x y ", (c) => lines.push(c), true);
    expect(lines.join("")).toBe("x y");
  });

  it("without cleaning keeps every code point, and can keep line breaks", () => {
    const raw = new CharTokenizer({ clean: "none", keepNewlines: true });
    expect(raw.tokenize("Hé😀\r\nx")).toEqual(["H", "é", "😀", "\n", "x"]);
    expect(new CharTokenizer({ clean: "none" }).tokenize("a\rb\n")).toEqual(["a", "b"]);
  });

  it("describes itself for a checkpoint", () => {
    expect(new CharTokenizer({ keepNewlines: true }).toJSON()).toEqual({
      kind: "char",
      clean: "d2l",
      keepNewlines: true,
    });
  });
});
