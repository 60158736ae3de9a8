import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
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
  const sent = files.filter((f) => f.path !== '.dockerignore').map((f) => f.path);
  const packOptions: tar.PackOptions & { umask: number } = {
    entries: sent,
    // `entries` is the whole list: never add what a directory holds, contextFiles already decided that.
    ignore: () => true,
    // Permission bits as they are on disk, not as this process's umask would have created them (tar-fs
    // takes the option; its types lag behind).
    umask: 0,
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: '', gname: '' }),
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
  const stream = Readable.from(tar.pack(contextDir, packOptions), { objectMode: false });
  return { tar: stream, dockerfile: INJECTED_DOCKERFILE };
}

interface AmendedFile {
  text: string;
  header: { mode: number; mtime: Date; uid: 0; gid: 0 };
}

async function amendedDockerignore(contextDir: string): Promise<AmendedFile> {
  const path = join(contextDir, '.dockerignore');
  try {
    const [text, stats] = await Promise.all([readFile(path, 'utf8'), lstat(path)]);
    return {
      text: `${text}\n${INJECTED_DOCKERFILE}\n`,
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
