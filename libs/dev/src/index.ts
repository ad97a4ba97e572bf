export { BusGateway, runAnswer, toSnakeCase, type RunAnswer } from './controllers/bus-gateway';
export { DevModule } from './dev.module';
export { DEV_MODULE_OPTIONS, type DevModuleOptions } from './dev-module.options';
export { BusToHttpFilter } from './filters/bus-to-http.filter';
export { TraceUrlInterceptor, withTraceUrl } from './viewer/trace-url.interceptor';
