export {
  type CompareOptions,
  type Comparison,
  compareArrays,
  DEFAULT_ABSOLUTE_FLOOR,
  DEFAULT_FLOOR_FRACTION,
  describeComparison,
  expectClose,
} from "./compare.js";
export {
  type ConformanceCase,
  type ConformanceExpected,
  defaultCasesDir,
  loadConformanceCase,
  loadConformanceCases,
} from "./conformance-case.js";
export {
  CONFORMANCE_PARTS,
  type ConformancePart,
  type ConformanceSuiteOptions,
  type ConformanceTolerances,
  FP32_TOLERANCES,
  runConformanceSuite,
} from "./conformance-suite.js";
