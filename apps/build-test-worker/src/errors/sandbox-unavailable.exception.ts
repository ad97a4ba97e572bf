import { BusRpcException } from '@cogo/bus';

/**
 * This worker could not start the sandboxed process (the compiler is not installed, the system
 * refused to spawn). Retryable: another instance, or this one after a fix, may succeed.
 */
export class SandboxUnavailableException extends BusRpcException {
  static readonly code = 'SANDBOX_UNAVAILABLE';

  constructor(what: string, remedy: string) {
    super({ code: SandboxUnavailableException.code, message: `${what}. ${remedy}`, retryable: true });
  }
}
