/** Injection token of the `BusDriver` of this process. */
export const BUS_DRIVER = Symbol('BUS_DRIVER');

/** Injection token of the `BusModuleOptions`. */
export const BUS_MODULE_OPTIONS = Symbol('BUS_MODULE_OPTIONS');
