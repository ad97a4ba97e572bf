export interface DevModuleOptions {
  /** Served read-only under /artifacts. */
  readonly artifactsBase: string;
}

export const DEV_MODULE_OPTIONS = Symbol('DEV_MODULE_OPTIONS');
