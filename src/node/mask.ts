// The one masking policy for everything sesamflow prints about a node or a config: diffs,
// status patches, error messages and request logs. What is masked:
//
// - by key name: values under keys that look secret (password, secret, token, api key,
//   Authorization, Ocp-Apim-Subscription-Key, client_secret, cookie, ...), and every value
//   nested below such a key; env vars are masked by name a little more eagerly (any `key`,
//   `auth`, `pass`, `cert` in the name);
// - by value shape, whatever the key: JWTs, `Bearer`/`Basic` credentials, the password in URL
//   userinfo (`https://user:pass@host`), secret query parameters (`?api_key=...`), password
//   fields of connection strings (`Password=...;`), PEM private keys;
// - in free text (messages from the node, echoed headers): the same shapes, `Header: value`
//   pairs of secret headers, and any known secret (the JWT in use) verbatim.
//
// `$SECRET(name)` and `$ENV(name)` references are names, not values: they stay visible.
import type { JsonValue } from '../sesam/project';

export const MASK = '******';

/** Keys whose values are secrets. */
const SECRET_KEY = /secret|passw|pwd|token|api[-_]?key|apikey|subscription[-_]?key|access[-_]?key|client[-_]?key|private[-_]?key|credential|jwt|authori[sz]ation|cookie|signature|session[-_]?id/i;
/** Keys that merely name or locate a secret (`token_url`, `secret_name`): not secret themselves. */
const NOT_SECRET_KEY = /(?:url|uri|endpoint|expression|property|name|_id|type|location|strategy)$/i;
/** Env var names are masked more eagerly. */
const SECRET_ENV_NAME = /secret|pass|pwd|token|key|credential|jwt|auth|cookie|private|cert|signature|conn/i;

const REFERENCE = /\$(?:SECRET|ENV)\([^)]*\)/;

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key);
export const isSecretEnvName = (name: string): boolean => SECRET_ENV_NAME.test(name);

// Shapes of secret values, each replaced keeping the part that is not secret (group 1).
const SHAPES: [RegExp, string][] = [
  // PEM private keys (any kind).
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, `-----BEGIN $1PRIVATE KEY-----${MASK}-----END $1PRIVATE KEY-----`],
  // JWTs: three base64url parts, the first two JSON objects ("eyJ").
  [/\beyJ[\w-]*\.eyJ[\w-]*\.[\w-]*/g, MASK],
  // Authorization schemes with a credential.
  [/\b(Bearer|Basic|Digest|Token|ApiKey|SharedAccessSignature)(\s+)(?!\$(?:SECRET|ENV)\()(?!\*{6})[^\s"',;]+/gi, `$1$2${MASK}`],
  // URL userinfo: keep the user, mask the password.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@"']*:)(?!\$(?:SECRET|ENV)\()[^\s/@"']+@/gi, `$1${MASK}@`],
  // Secret query parameters and connection string fields (`password=...;`).
  [
    /([?&;]\s*|^|\s)((?:[\w-]*(?:password|passwd|pwd|secret|token|api[-_]?key|apikey|access[-_]?key|account[-_]?key|shared[-_]?access[-_]?key|sig|signature|client[-_]?key))\s*=\s*)(?!\$(?:SECRET|ENV)\()[^&;\s"']+/gi,
    `$1$2${MASK}`,
  ],
];

/** Masks secret-looking parts of one string, whatever its key. */
export function maskShapes(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
  return out;
}

// `Authorization: Bearer x`, `"client_secret": "x"`, `X-Api-Key=x` inside free text.
const SECRET_PAIR =
  /((?:proxy-)?authori[sz]ation|cookie|set-cookie|ocp-apim-subscription-key|x-api-key|api[-_]?key|x-auth-token|client[-_]?secret|password|passwd|secret|access[-_]?token|refresh[-_]?token|jwt)(["']?\s*[:=]\s*["']?)(?!\*{6})(?!\$(?:SECRET|ENV)\()([^\s"',;&}]+)/gi;

/**
 * Free text (a node's error message, an echoed request): shapes, secret `key: value` pairs, and
 * each of `known` (the JWT, secret values in use) wherever it appears.
 */
export function maskText(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret.length >= 4) out = out.split(secret).join(MASK);
  out = maskShapes(out);
  return out.replace(SECRET_PAIR, (_m, key: string, sep: string, value: string) => (/^(Bearer|Basic|Digest|Token)$/i.test(value) ? `${key}${sep}${value}` : `${key}${sep}${MASK}`));
}

/** A string under a secret key: fully masked, unless it only combines references with fixed words (`Bearer $SECRET(x)`). */
function maskSecretString(value: string): string {
  if (REFERENCE.test(value) && !/[^\s]/.test(value.replace(new RegExp(REFERENCE.source, 'g'), '').replace(/\b(Bearer|Basic|Token|Digest)\b/gi, ''))) return value;
  return MASK;
}

/**
 * A config value with secrets masked. `secret`: the value sits under a secret key (then every
 * string and number below it is masked).
 */
export function maskJson(value: JsonValue, secret = false): JsonValue {
  if (typeof value === 'string') return secret ? maskSecretString(value) : maskShapes(value);
  if (Array.isArray(value)) return value.map((v) => maskJson(v, secret));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskJson(v, secret || isSecretKey(k));
    return out;
  }
  return secret && value !== null && typeof value !== 'boolean' ? MASK : value;
}

/** A value found at `path` in a config entity: secret when any key on the way looks secret. */
export const maskAt = (path: readonly (string | number)[], value: JsonValue): JsonValue =>
  maskJson(value, path.some((segment) => typeof segment === 'string' && isSecretKey(segment)));

/** One env var's value as it may be shown. */
export function maskEnvValue(name: string, value: JsonValue): JsonValue {
  if (isSecretEnvName(name)) return value === null ? null : MASK;
  return maskJson(value);
}

/** A whole env var object, masked. */
export const maskEnv = (env: Record<string, JsonValue>): Record<string, JsonValue> =>
  Object.fromEntries(Object.entries(env).map(([name, value]) => [name, maskEnvValue(name, value)]));

/**
 * The text of a JSON document (a config file as it is on disk, possibly not canonical) with
 * secret values masked in place: layout and every other byte stay, so a patch of two masked
 * texts still shows what differs. String values under secret keys become `"******"`, other
 * strings get the shape masking.
 */
export function maskJsonText(text: string): string {
  // Each open container: is it under a secret key?
  const stack: boolean[] = [];
  let key: string | undefined;
  let out = '';
  let i = 0;
  const secretHere = () => (stack.at(-1) ?? false) || (key !== undefined && isSecretKey(key));
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      let decoded: string;
      try {
        decoded = JSON.parse(raw) as string;
      } catch {
        decoded = raw.slice(1, -1);
      }
      if (text[k] === ':' && stack.length > 0) {
        key = decoded;
        out += raw;
      } else {
        const masked = secretHere() ? maskSecretString(decoded) : maskShapes(decoded);
        out += masked === decoded ? raw : JSON.stringify(masked);
        key = undefined;
      }
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(secretHere());
      key = undefined;
    } else if (c === '}' || c === ']') {
      stack.pop();
      key = undefined;
    } else if (c === ',') key = undefined;
    else if (secretHere() && /[-\d]/.test(c)) {
      // A number under a secret key.
      let j = i;
      while (j < text.length && /[-+\d.eE]/.test(text[j]!)) j++;
      out += JSON.stringify(MASK);
      i = j;
      key = undefined;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
