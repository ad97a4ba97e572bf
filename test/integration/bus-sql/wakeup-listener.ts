import { Client, type Notification } from 'pg';
import { aBusName } from '../../support/message.builder';

/** A LISTEN session of its own, for tests of the bus's wake-ups (NOTIFY). */
export class WakeupListener {
  private readonly heard: Notification[] = [];

  private constructor(private readonly client: Client) {
    client.on('notification', (notification) => this.heard.push(notification));
  }

  static async connect(connectionString: string): Promise<WakeupListener> {
    const client = new Client({ connectionString });
    await client.connect();
    return new WakeupListener(client);
  }

  async listen(channel: string): Promise<void> {
    await this.client.query(`listen ${this.client.escapeIdentifier(channel)}`);
  }

  /**
   * The notifications heard on `channel` once everything committed so far was delivered: a marker
   * notified afterwards arrives last, as notifications arrive in commit order.
   */
  async heardOn(channel: string): Promise<Notification[]> {
    const marker = `bus:${aBusName('marker')}`;
    await this.listen(marker);
    await this.client.query('select pg_notify($1, $2)', [marker, '']);
    const deadline = Date.now() + 5_000;
    while (!this.heard.some((notification) => notification.channel === marker)) {
      if (Date.now() > deadline) throw new Error(`the marker notification on ${marker} never arrived`);
      await new Promise((done) => setTimeout(done, 5));
    }
    return this.heard.filter((notification) => notification.channel === channel);
  }

  end(): Promise<void> {
    return this.client.end();
  }
}
