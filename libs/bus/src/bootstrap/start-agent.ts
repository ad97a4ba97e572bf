import { type DynamicModule, type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { type AgentName, type AppConfig, ConfigError, loadConfig } from '@cogo/config';
import { AgentLoggerService, accessLog, createAgentLogger } from '@cogo/tracing';
import { BusExceptionFilter } from '../filters/bus-exception.filter';
import { BusServer } from '../server/bus.server';

/**
 * Boots one agent process: parses the environment once (a bad value stops the process with one
 * message naming every bad variable), creates the Nest application from the agent's root module,
 * connects the bus transport as a hybrid microservice that inherits the app's global pipe and
 * filter (so DTOs are validated the same way on HTTP and on the bus), serves HTTP for health and
 * metrics, and shuts down cleanly on SIGTERM/SIGINT — or when the parent that launched it
 * (`npm start`) disappears, so no agent outlives its launcher.
 *
 * Everything the process logs — Nest's own lines, every `Logger`, the transport, one access line
 * per HTTP request, a failed boot, a crash — is one JSON object per line on stdout, with the
 * trace ids of the request or message being handled and with secrets redacted.
 */
export async function startAgent(
  agent: AgentName,
  rootModule: (config: AppConfig) => DynamicModule,
): Promise<INestApplication> {
  let config: AppConfig;
  try {
    config = loadConfig(agent);
  } catch (error) {
    if (error instanceof ConfigError) {
      // LOG_LEVEL may be the bad variable: a configuration error is always worth a line.
      createAgentLogger({ agent, level: 'info' })
        .child({ context: BOOTSTRAP })
        .fatal({ problems: error.problems }, error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createAgentLogger({
    agent,
    instanceId: config.instanceId,
    level: config.logLevel,
    knownSecrets: secretValues(config),
  });
  const log = logger.child({ context: BOOTSTRAP });
  process.on('uncaughtException', (error) => exitAfter(log, error, 'uncaught error; the agent stops'));
  try {
    // The logger is given at creation rather than buffered and swapped in later: lines written
    // while the module is built, or by an initialisation that fails, are already JSON.
    const app = await NestFactory.create<NestExpressApplication>(rootModule(config), {
      logger: new AgentLoggerService(logger),
    });
    // Nothing about the server's make in the answers.
    app.disable('x-powered-by');
    app.use(accessLog(logger));
    connectBus(app);
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    if (process.send) {
      process.once('disconnect', () => {
        log.warn('launcher went away; shutting down');
        void app.close().finally(() => process.exit(0));
      });
    }
    await app.startAllMicroservices();
    await app.listen(config.port, config.host);
    log.info(
      `${config.instanceId} ready on http://${config.host}:${config.port} (${config.mode}, bus driver ${config.busDriver})`,
    );
    return app;
  } catch (error) {
    // Messages claimed before the failure go back to the queue when their leases expire.
    return exitAfter(log, error, 'the agent could not start');
  }
}

const BOOTSTRAP = 'Bootstrap';

/** The values of this process's secrets, masked wherever they would appear in a log line. */
function secretValues(config: AppConfig): string[] {
  return [
    config.supabase?.serviceRoleKey,
    config.llm?.apiKey,
    urlPassword(config.databaseUrl),
    urlPassword(config.cogoWorker.url),
    urlPassword(config.llm?.baseUrl),
  ].filter((value): value is string => Boolean(value));
}

function urlPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

function exitAfter(log: Logger, error: unknown, why: string): never {
  log.fatal({ err: error }, why);
  process.exit(1);
}

/**
 * Makes `app` a hybrid application on the bus: strict DTO validation and error mapping for HTTP
 * and bus handlers alike, and the module's `BusServer` as its microservice transport. Start it
 * with `app.startAllMicroservices()`.
 */
export function connectBus(app: INestApplication): void {
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new BusExceptionFilter(app.getHttpAdapter()));
  app.connectMicroservice({ strategy: app.get(BusServer) }, { inheritAppConfig: true });
}

/** DTOs are validated strictly everywhere: unknown fields are refused, not silently dropped. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
}
