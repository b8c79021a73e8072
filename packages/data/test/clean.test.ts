import { describe, expect, it } from "vitest";
import { cleanD2l } from "../src/clean.js";

describe("cleanD2l", () => {
  it("turns every run of non-letters into one space, trims, lower-cases (hand-checked)", () => {
    expect(cleanD2l("The Time Machine, by H. G. Wells [1898]")).toBe("the time machine by h g wells");
    expect(cleanD2l("  --Hello,   World!!  ")).toBe("hello world");
    expect(cleanD2l("don't")).toBe("don t");
    expect(cleanD2l("")).toBe("");
    expect(cleanD2l("1898 ... !")).toBe("");
  });

  it("treats non-ASCII letters as non-letters, like [^A-Za-z]", () => {
    expect(cleanD2l("café’s naïve “quote”")).toBe("caf s na ve quote");
    expect(cleanD2l("emoji 😀 here")).toBe("emoji here");
  });

  it("keepTrailingSpace trims only the start (prompts such as 'time traveller ')", () => {
    expect(cleanD2l("  Time Traveller ", { keepTrailingSpace: true })).toBe("time traveller ");
    expect(cleanD2l("time traveller!", { keepTrailingSpace: true })).toBe("time traveller ");
  });
});
