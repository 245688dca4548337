// Moved to harness/ so that the benchmark (part of the build) shares it; kept here for the tests' imports.
export * from '../../harness/free-port';
