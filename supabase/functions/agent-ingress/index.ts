/**
 * agent-ingress: the production entry point for external traffic. A Supabase Edge Function that
 * checks the caller and the request, and enqueues one `orchestrator.intake` request on the bus
 * (`public.bus_send`). See README.md for the API.
 *
 * A configuration problem stops the function at boot, naming every bad variable (never a value).
 */
import { loadConfig } from './config.ts';
import { createBusSender } from './db.ts';
import { createHandler } from './handler.ts';

const config = loadConfig(Deno.env);
const bus = createBusSender(config.database);

const handler = createHandler({ config: config.ingress, enqueue: (message) => bus.enqueue(message), now: Date.now });

// The Edge runtime picks the port itself; PORT only matters when the function runs locally (`deno run`).
const port = Number(Deno.env.get('PORT') ?? 8000);
Deno.serve({ port, hostname: '127.0.0.1' }, handler);
