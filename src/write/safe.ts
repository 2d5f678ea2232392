// Safe writes for every command that writes files (generate, format, download, simulate, the
// upload backups):
//
// - atomic: content goes to a temporary file in the same folder, is flushed, then renamed over
//   the target, so a crash, SIGKILL or full disk leaves either the old file or the new one,
//   never a truncated mix;
// - confined: a command writes and deletes only inside the folder it owns. Paths are checked
//   lexically (no `..`, no absolute paths) and then through real paths: a symlink inside the
//   folder that leads out of it (a planted `pipes -> /home/me`) is refused, not followed;
// - explained: file system errors (no space, permission, read-only, a file where a folder should
//   be) become an input error naming the file, never an "internal error".
import { constants, lstatSync, readFileSync, realpathSync, writeSync, type Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rmdir, stat, unlink, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { SesamflowError } from '../errors';

/**
 * The file operations atomic writes use, replaceable by tests to inject faults (a full disk
 * mid-write, a crash before the rename). Production code never changes them.
 */
export const writeSeams = {
  write: async (handle: FileHandle, content: FileContent): Promise<void> => {
    if (typeof content === 'string' || content instanceof Uint8Array) return handle.writeFile(content);
    if (typeof content === 'function') {
      content((piece) => writeAllSync(handle.fd, piece));
      return;
    }
    // Each piece from where the last one ended.
    for (const piece of content) await handle.writeFile(piece);
  },
  rename: (from: string, to: string): Promise<void> => rename(from, to),
};

/**
 * What a file is written with: a text, bytes, a text in pieces, or a function that produces the
 * text piece by piece (each written as it comes, so a large output is never whole in memory).
 */
export type FileContent = string | Uint8Array | readonly string[] | ((write: (piece: string) => void) => void);

function writeAllSync(fd: number, piece: string): void {
  const bytes = Buffer.from(piece, 'utf8');
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a path component is a file, not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** A file system error as an input error naming the file (exit 2). */
export function writeError(file: string, error: unknown, note = ''): SesamflowError {
  if (error instanceof SesamflowError) return error;
  const code = codeOf(error);
  const reason = (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new SesamflowError(`cannot write ${file}: ${reason}${code ? ` (${code})` : ''}${note}`, 'input');
}

let counter = 0;

/**
 * Writes `content` to `file` atomically: a temporary file next to it, flushed, then renamed.
 * The new file keeps the mode of the file it replaces (or gets `mode`). On failure the target
 * is untouched and the temporary file removed.
 */
export async function atomicWriteFile(file: string, content: FileContent, options: { mode?: number; display?: string } = {}): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file).slice(0, 100)}.${process.pid}.${++counter}.tmp`);
  let handle: FileHandle | undefined;
  try {
    const previous = await stat(file).catch(() => undefined);
    if (previous?.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    const mode = options.mode ?? (previous ? previous.mode & 0o7777 : 0o666);
    handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    await writeSeams.write(handle, content);
    await handle.sync();
    // `open` applies the umask; an explicit mode (0600 backups) or the old file's mode is exact.
    await handle.chmod(mode);
    await handle.close();
    handle = undefined;
    await writeSeams.rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw writeError(options.display ?? file, error, '; the file was left unchanged');
  }
}

/** lstat, or undefined for a path that cannot be looked at (missing, under a file, no permission). */
function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

const inside = (root: string, target: string) => target === root || target.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);

/** `a/b/c.json` → its segments, or an error for anything that could leave the folder. */
export function relativeSegments(rel: string, what = 'path'): string[] {
  const segments = rel.split('/');
  if (rel === '' || path.isAbsolute(rel) || /^[A-Za-z]:/.test(rel) || rel.includes('\\') || rel.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new SesamflowError(`${what} ${JSON.stringify(rel)} would leave the output folder`, 'input');
  return segments;
}

/**
 * A folder a command owns. Every write and delete goes through it: the target is resolved with
 * real paths and must stay inside the folder's real path.
 */
export class OwnedFolder {
  private constructor(
    /** The folder as the user named it, for messages. */
    readonly display: string,
    /** Its real path (symlinks resolved), or the resolved path while it does not exist yet. */
    readonly real: string,
  ) {}

  /**
   * Opens `dir`, creating it when `create` (else a missing folder is fine: nothing is written).
   * A path that exists but is not a folder is an input error.
   */
  static async open(dir: string, options: { create: boolean; display?: string; mode?: number }): Promise<OwnedFolder> {
    const display = options.display ?? dir;
    const info = await stat(dir).catch((error: unknown) => (codeOf(error) === 'ENOENT' ? undefined : Promise.reject(writeError(display, error))));
    if (info && !info.isDirectory()) throw new SesamflowError(`${display} is a file, not a folder: choose a folder to write into`, 'input');
    if (!info && options.create) {
      try {
        await mkdir(dir, { recursive: true, ...(options.mode !== undefined ? { mode: options.mode } : {}) });
      } catch (error) {
        throw writeError(display, error);
      }
    }
    const real = await realpath(dir).catch(() => path.resolve(dir));
    return new OwnedFolder(display, real);
  }

  /**
   * The absolute path of `rel` inside the folder. The deepest existing ancestor is resolved
   * through its real path and must lie inside the folder; a symlink leading out is refused.
   */
  async resolve(rel: string): Promise<string> {
    return this.resolveNow(rel);
  }

  /**
   * resolve, with synchronous file system calls: a command writes one folder at a time, and a
   * round trip to the thread pool per path segment costs more than the check.
   */
  private resolveNow(rel: string): string {
    const segments = relativeSegments(rel);
    let existing = this.real;
    let index = 0;
    for (; index < segments.length - 1; index++) {
      const next = path.join(existing, segments[index]!);
      const info = lstatOrUndefined(next);
      if (!info) break;
      if (info.isSymbolicLink()) {
        let target: string | undefined;
        try {
          target = realpathSync(next);
        } catch {
          target = undefined;
        }
        if (target === undefined || !inside(this.real, target)) throw this.escape(rel, segments.slice(0, index + 1).join('/'));
        existing = target;
      } else if (!info.isDirectory()) {
        throw new SesamflowError(`cannot write ${this.show(rel)}: ${this.show(segments.slice(0, index + 1).join('/'))} is a file, not a folder`, 'input');
      } else existing = next;
    }
    return path.join(existing, ...segments.slice(index));
  }

  /** The current text of a regular file inside the folder (never through a symlink), or undefined. */
  async read(rel: string): Promise<string | undefined> {
    const file = this.resolveNow(rel);
    if (!lstatOrUndefined(file)?.isFile()) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Writes atomically, creating missing folders (with `dirMode` when given). */
  async write(rel: string, content: string | Uint8Array, options: { mode?: number; dirMode?: number } = {}): Promise<void> {
    const file = await this.resolve(rel);
    try {
      await mkdir(path.dirname(file), { recursive: true, ...(options.dirMode !== undefined ? { mode: options.dirMode } : {}) });
    } catch (error) {
      throw writeError(this.show(rel), error);
    }
    await atomicWriteFile(file, content, { display: this.show(rel), ...(options.mode !== undefined ? { mode: options.mode } : {}) });
  }

  /** Deletes a file (a symlink itself, never its target) and then empty parent folders up to the root. */
  async remove(rel: string): Promise<boolean> {
    const file = await this.resolve(rel);
    const info = await lstat(file).catch(() => undefined);
    if (!info || info.isDirectory()) return false;
    try {
      await unlink(file);
    } catch (error) {
      throw writeError(this.show(rel), error, ' (it could not be deleted)');
    }
    for (let dir = path.dirname(file); dir !== this.real && inside(this.real, dir); dir = path.dirname(dir)) {
      const entries = await readdir(dir).catch(() => ['?']);
      if (entries.length > 0) break;
      await rmdir(dir).catch(() => undefined);
    }
    return true;
  }

  /** `rel` as the user sees it: the folder as named plus the relative path. */
  show(rel: string): string {
    return path.posix.join(this.display.split(path.sep).join('/'), rel);
  }

  private escape(rel: string, link: string): SesamflowError {
    return new SesamflowError(`refusing to write ${this.show(rel)}: ${this.show(link)} is a symbolic link that leads outside ${this.display}`, 'input', [
      'sesamflow only writes and deletes inside the folder it owns; replace the link with a real folder',
    ]);
  }
}

/** Longest `_id` used in a file name: `<id>.conf.json` must stay under the usual 255-byte limit. */
export const MAX_NAME_BYTES = 200;

/**
 * Why `name` (a config `_id` or dataset id) cannot be used as a file name, or undefined when it
 * can: no path separators, NUL or control characters, no `.`/`..` or leading dot, not too long.
 */
export function unsafeFileName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'it is empty or not a string';
  if (/[/\\]/.test(name)) return 'it contains a path separator';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a NUL or control character';
  if (name.startsWith('.')) return 'it starts with "."';
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `it is longer than ${MAX_NAME_BYTES} bytes`;
  return undefined;
}
