import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import tar from 'tar-fs';
import { PinyardError } from '../errors.js';
import type { ContextEntry } from '../hash/index.js';

/**
 * The name the rewritten Dockerfile travels under. The engine deletes it from the context before the first
 * step (it is listed in the .dockerignore sent with it), so no COPY ever sees it.
 */
export const INJECTED_DOCKERFILE = '.pinyard.Dockerfile';

export interface ContextTarOptions {
  /** The Dockerfile to build with: the user's, with FROM and COPY --from pinned. */
  dockerfileText: string;
  /** The entries to send, as contextFiles returned them. */
  files: ContextEntry[];
}

export interface ContextTar {
  /** An uncompressed tar, streamed from disk as the engine reads it. */
  tar: Readable;
  /** The Dockerfile's path inside the tar, for the build's `dockerfile` option. */
  dockerfile: string;
}

/**
 * The build context as the docker CLI would send it, with the rewritten Dockerfile added; the user's files
 * are read, never written. Entries are exactly `files`, in their order, owned by 0:0 (as `docker build`
 * sends them) with their own permission bits and modification times: the classic builder's COPY cache
 * hashes names, modes, owners and content, not times.
 *
 * The rewritten Dockerfile goes in the way `docker build -f <file outside the context>` sends one: under
 * its own name, which the `.dockerignore` sent along also lists (a `.dockerignore` is created when there is
 * none, listing itself too). The engine reads the Dockerfile, then deletes whichever of the two files the
 * .dockerignore matches, so the build sees the user's files only. The one difference, as with docker: a
 * .dockerignore that does not ignore itself reaches a `COPY .` with that line added.
 */
export async function contextTar(contextDir: string, options: ContextTarOptions): Promise<ContextTar> {
  const { dockerfileText, files } = options;
  if (files.some((f) => f.path === INJECTED_DOCKERFILE)) {
    throw new PinyardError(
      'PINYARD_CONTEXT_INVALID',
      `build context ${contextDir} has a file named ${INJECTED_DOCKERFILE}, the name pinyard sends the Dockerfile under`,
      { hint: `rename it, or add ${INJECTED_DOCKERFILE} to ${join(contextDir, '.dockerignore')}` },
    );
  }
  const dockerignore = await amendedDockerignore(contextDir);
  const hashedIgnore = files.find((f) => f.path === '.dockerignore')?.digest;
  if (hashedIgnore !== undefined && hashedIgnore !== dockerignore.digest) {
    throw contextChanged(contextDir, '.dockerignore', 'its content');
  }
  const sent = files.filter((f) => f.path !== '.dockerignore');
  const byPath = new Map(sent.map((f) => [f.path, f]));
  // The content tag was computed from `files` before this tar is read: whatever changed since must fail
  // the upload, or an image of other content would be pushed under that tag.
  let changed: Error | undefined;
  const refuse = (error: Error) => {
    changed ??= error;
    pack.destroy(changed);
  };
  const packOptions: tar.PackOptions & { umask: number } = {
    entries: sent.map((f) => f.path),
    // `entries` is the whole list: never add what a directory holds, contextFiles already decided that.
    ignore: () => true,
    // Permission bits as they are on disk, not as this process's umask would have created them (tar-fs
    // takes the option; its types lag behind).
    umask: 0,
    map: (header) => {
      const entry = byPath.get(header.name);
      const kind = header.type === 'file' ? 'file' : header.type;
      if (entry && (entry.type !== kind || entry.mode !== ((header.mode ?? 0) & 0o7777))) {
        queueMicrotask(() => refuse(contextChanged(contextDir, header.name, 'its type or mode')));
      }
      return { ...header, uid: 0, gid: 0, uname: '', gname: '' };
    },
    // Each file's bytes are hashed as they go into the tar and must be the bytes that were hashed.
    mapStream: (stream, header) => {
      const expected = byPath.get(header.name)?.digest;
      if (expected === undefined) return stream;
      const onMismatch = () => refuse(contextChanged(contextDir, header.name, 'its content'));
      // tar-fs reads the returned stream like the file's own; its types ask for an fs.ReadStream.
      return verified(stream, expected, onMismatch) as unknown as typeof stream;
    },
    finalize: false,
    finish: (pack) => {
      pack.entry({ ...dockerignore.header, name: '.dockerignore', type: 'file' }, dockerignore.text);
      pack.entry(
        { name: INJECTED_DOCKERFILE, type: 'file', mode: 0o600, mtime: new Date(0), uid: 0, gid: 0 },
        dockerfileText,
      );
      pack.finalize();
    },
  };
  // tar-stream packs are streamx streams; a Node Readable reads them on demand and destroys the pack
  // (closing the files it has open) when it is destroyed itself.
  const pack = tar.pack(contextDir, packOptions);
  // tar-fs adds a symlink's entry from the callback of its readlink, without asking whether the pack was
  // destroyed meanwhile (as it is when the link is found changed): that entry would throw, uncaught.
  const addEntry = pack.entry.bind(pack);
  pack.entry = ((...args: Parameters<typeof pack.entry>) =>
    pack.destroyed ? undefined : addEntry(...args)) as typeof pack.entry;
  const stream = Readable.from(pack, { objectMode: false });
  return { tar: stream, dockerfile: INJECTED_DOCKERFILE };
}

/** `stream` as it is, hashed on the way; `onMismatch` when it ends with another digest than `expected`. */
function verified(stream: Readable, expected: string, onMismatch: () => void): Readable {
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (`sha256:${hash.digest('hex')}` !== expected) {
        onMismatch();
        done(new Error('changed'));
      } else done();
    },
  });
  pipeline(stream, check, () => {});
  return check;
}

function contextChanged(contextDir: string, file: string, what: string): PinyardError {
  return new PinyardError(
    'PINYARD_CONTEXT_INVALID',
    `${file} in build context ${contextDir} changed (${what}) after it was hashed: nothing was built from it`,
    {
      hint: 'something writes to the build context while pinyard builds; run the build again once it has stopped',
    },
  );
}

interface AmendedFile {
  text: string;
  /** Of the file as read, before pinyard's line was added; undefined when there is none. */
  digest?: string;
  header: { mode: number; mtime: Date; uid: 0; gid: 0 };
}

async function amendedDockerignore(contextDir: string): Promise<AmendedFile> {
  const path = join(contextDir, '.dockerignore');
  try {
    const [text, stats] = await Promise.all([readFile(path, 'utf8'), lstat(path)]);
    return {
      text: `${text}\n${INJECTED_DOCKERFILE}\n`,
      digest: `sha256:${createHash('sha256').update(text).digest('hex')}`,
      header: { mode: stats.mode & 0o7777, mtime: stats.mtime, uid: 0, gid: 0 },
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PinyardError('PINYARD_CONTEXT_INVALID', `cannot read ${path}: ${(e as Error).message}`, {
        hint: 'fix its permissions: docker has to read it too',
        cause: e,
      });
    }
    return {
      text: `.dockerignore\n${INJECTED_DOCKERFILE}\n`,
      header: { mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 },
    };
  }
}
