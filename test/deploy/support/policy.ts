import { isRecord } from './repo-files';

/** Environment names whose values are credentials: they may only be referenced, never written. */
export const SECRET_NAME =
  /(PASSWORD|PASSWD|SECRET|TOKEN|SERVICE_ROLE_KEY|API_KEY|PRIVATE_KEY|ACCESS_KEY|DATABASE_URL|CONNECTION_STRING)/i;

const SECRET_VALUE_PATTERNS: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'a JWT (Supabase anon/service-role keys are JWTs)', pattern: /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/ },
  { what: 'a Supabase API key', pattern: /\bsb_(?:secret|publishable)_[\w-]{10,}/ },
  {
    what: 'a connection string with a password',
    pattern: /\b(?:postgres(?:ql)?|mysql|redis|amqps?):\/\/[^\s:/@]+:(?![$<*{])[^\s@]+@/,
  },
  { what: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: 'an AWS access key id', pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  { what: 'a GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36}\b/ },
];

/** Values in a text that look like credentials, described (never echoed). */
export function secretLookingValues(text: string): string[] {
  return SECRET_VALUE_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ what }) => what);
}

/** A compose value that only references the environment (`${NAME}`, `${NAME:?message}`...). */
export function isEnvironmentReference(value: unknown): boolean {
  return typeof value === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}$/.test(value);
}

/** A compose service's `environment` as a map, from either of its two spellings. */
export function composeEnvironment(service: Record<string, unknown>): Record<string, string | null> {
  const environment = service.environment;
  if (environment === undefined) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const text = String(entry);
        const separator = text.indexOf('=');
        return separator < 0 ? [text, null] : [text.slice(0, separator), text.slice(separator + 1)];
      }),
    );
  }
  if (!isRecord(environment)) throw new Error('environment must be a map or a list');
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, value === null ? null : String(value as string)]),
  );
}

export interface ComposeMount {
  readonly source?: string;
  readonly target: string;
  readonly bind: boolean;
}

/** A compose service's volumes; a bind mount is any whose source is a host path. */
export function composeMounts(service: Record<string, unknown>): ComposeMount[] {
  const volumes = service.volumes;
  if (volumes === undefined) return [];
  if (!Array.isArray(volumes)) throw new Error('volumes must be a list');
  return volumes.map((volume: unknown) => {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':');
      if (target === undefined) return { target: volume, bind: false };
      return { source, target, bind: /^[./~$]/.test(source ?? '') };
    }
    if (!isRecord(volume) || typeof volume.target !== 'string') throw new Error('a volume needs a target');
    return {
      source: typeof volume.source === 'string' ? volume.source : undefined,
      target: volume.target,
      bind: volume.type === 'bind',
    };
  });
}
