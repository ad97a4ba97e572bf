/** Where a run's logs and structured results go, inside the workspace. */
export const LOGS_DIRECTORY = '.logs';

/** Where tsc puts the compiled workspace (`outDir` of the workspace's tsconfig.json). */
export const COMPILED_DIRECTORY = 'dist';
