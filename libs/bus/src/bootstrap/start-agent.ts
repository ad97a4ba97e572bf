import { type DynamicModule, type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AgentName, type AppConfig, ConfigError, loadConfig } from '@cogo/config';

/**
 * Boots one agent process: parses the environment once (a bad value stops the process with one
 * message naming every bad variable), creates the Nest application from the agent's root module,
 * serves HTTP for health and metrics, and shuts down cleanly on SIGTERM/SIGINT — or when the
 * parent that launched it (`npm start`) disappears, so no agent outlives its launcher.
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
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  if (process.send) {
    process.once('disconnect', () => {
      logger.warn('launcher went away; shutting down');
      void app.close().finally(() => process.exit(0));
    });
  }
  await app.listen(config.port, config.host);
  logger.log(
    `${config.instanceId} ready on http://${config.host}:${config.port} (${config.mode}, bus driver ${config.busDriver})`,
  );
  return app;
}
