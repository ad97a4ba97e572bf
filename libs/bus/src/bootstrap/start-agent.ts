import { type DynamicModule, type INestApplication, Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AgentName, type AppConfig, ConfigError, loadConfig } from '@cogo/config';
import { BusExceptionFilter } from '../filters/bus-exception.filter';
import { BusServer } from '../server/bus.server';

/**
 * Boots one agent process: parses the environment once (a bad value stops the process with one
 * message naming every bad variable), creates the Nest application from the agent's root module,
 * connects the bus transport as a hybrid microservice that inherits the app's global pipe and
 * filter (so DTOs are validated the same way on HTTP and on the bus), serves HTTP for health and
 * metrics, and shuts down cleanly on SIGTERM/SIGINT — or when the parent that launched it
 * (`npm start`) disappears, so no agent outlives its launcher.
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
      process.stderr.write(`${agent}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = new Logger(agent);
  const app = await NestFactory.create(rootModule(config), {
    logger: config.logLevel === 'debug' ? ['error', 'warn', 'log', 'debug'] : ['error', 'warn', 'log'],
  });
  connectBus(app);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  if (process.send) {
    process.once('disconnect', () => {
      logger.warn('launcher went away; shutting down');
      void app.close().finally(() => process.exit(0));
    });
  }
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);
  logger.log(
    `${config.instanceId} ready on http://${config.host}:${config.port} (${config.mode}, bus driver ${config.busDriver})`,
  );
  return app;
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
