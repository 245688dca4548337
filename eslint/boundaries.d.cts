/** Types of boundaries.cjs for the spec. */
import type { ESLint, Linter } from 'eslint';
export declare const TEST_FILES: string[];
export declare const hubPlugin: ESLint.Plugin;
export declare function boundaryConfigs(): Linter.Config[];
