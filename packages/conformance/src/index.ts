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
  loadTrainingRunCase,
  loadTrainingRunCases,
  type TrainingRunCase,
  type TrainingRunExpected,
} from "./conformance-case.js";
export {
  CONFORMANCE_PARTS,
  type ConformancePart,
  type ConformanceTolerances,
  checkConformanceCase,
  checkTrainingRun,
  FP32_TOLERANCES,
  unsupportedReason,
} from "./conformance-check.js";
export { type ConformanceSuiteOptions, runConformanceSuite, runtimeFailure } from "./conformance-suite.js";
export {
  CONTRACT_CASES,
  CONTRACT_GRU,
  CONTRACT_LSTM,
  type ContractCase,
  type ContractContext,
  type ContractErrorName,
  checkContractCase,
} from "./contract-cases.js";
export { type ContractSuiteOptions, runContractSuite } from "./contract-suite.js";
export { checkGradNormPrecision, type GradNormPrecision } from "./grad-norm-check.js";
export {
  buildConformanceFixtures,
  type FixtureFile,
  type FixtureOracle,
  type OracleModel,
  writeConformanceFixtures,
} from "./write-fixtures.js";
