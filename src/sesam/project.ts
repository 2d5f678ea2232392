// The in-memory shape of a sesam-py project: what the compiler produces, what the
// writer writes, what the validator, simulator and node client read.

/** A JSON object as it appears in config (plain data only). */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** One config entity and the project-relative path of its file. */
export interface ConfigFile {
  /** Project-relative, `/`-separated: `node-metadata.conf.json`, `pipes/<_id>.conf.json`, `systems/<_id>.conf.json`. */
  path: string;
  entity: JsonObject;
  /** The file the entity was written in when that is not `path` (a connector template it was expanded from). */
  source?: string;
}

/** A whole project: config entities plus env profiles (`<profile>-env.json`). */
export interface SesamProject {
  files: ConfigFile[];
  /** Profile name (`test`, `prod`) → env vars. */
  env: Record<string, Record<string, JsonValue>>;
}

export const configPathFor = (entity: JsonObject): string => {
  const id = String(entity._id);
  const type = String(entity.type ?? '');
  if (type === 'metadata') return 'node-metadata.conf.json';
  if (type === 'pipe') return `pipes/${id}.conf.json`;
  return `systems/${id}.conf.json`;
};
