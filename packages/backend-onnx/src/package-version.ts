/** This package's version, written into exported files as `producer_version`. */
export const PACKAGE_VERSION = "0.1.0";
