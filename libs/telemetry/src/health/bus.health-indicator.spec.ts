import { HealthIndicatorService } from '@nestjs/terminus';
import type { BusDriver, BusServer, BusServerStatus } from '@cogo/bus';
import { BusHealthIndicator } from './bus.health-indicator';

function anIndicator(status: BusServerStatus | undefined, ping: () => Promise<void> = () => Promise.resolve()) {
  const driver = { name: 'postgres', ping } as unknown as BusDriver;
  const server = { currentStatus: status } as BusServer;
  return new BusHealthIndicator(driver, server, new HealthIndicatorService());
}

describe(BusHealthIndicator.name, () => {
  it('reports the subscription up only while the bus server is connected', () => {
    expect(anIndicator('connected').subscription()).toEqual({ bus: { status: 'up', subscription: 'connected' } });
    for (const status of ['connecting', 'disconnected', 'draining', 'closed'] as const) {
      expect(anIndicator(status).subscription()).toEqual({ bus: { status: 'down', subscription: status } });
    }
    expect(anIndicator(undefined).subscription()).toEqual({ bus: { status: 'down', subscription: 'not started' } });
  });

  it('reports the database up when the driver answers a ping', async () => {
    expect(await anIndicator('connected').database()).toMatchObject({ database: { status: 'up', driver: 'postgres' } });
  });

  it('reports the database down when the ping fails or does not answer in time', async () => {
    const refused = anIndicator('connected', () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
    expect(await refused.database()).toMatchObject({
      database: { status: 'down', message: expect.stringContaining('ECONNREFUSED') as unknown },
    });
    const hanging = anIndicator('connected', () => new Promise<void>(() => undefined));
    expect(await hanging.database(50)).toMatchObject({ database: { status: 'down' } });
  });
});
