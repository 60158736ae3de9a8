import type Docker from 'dockerode';

/** Removes the images a test file built (`repository:tag`s) from the shared engine; gone already is fine. */
export async function removeImages(docker: Docker, refs: readonly string[]): Promise<void> {
  for (const ref of refs)
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => {});
}
