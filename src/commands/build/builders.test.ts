import { describe, expect, it } from 'vitest';
import { thrown } from '../../../test/helpers/thrown.js';
import type { BuilderSupport, Engine } from '../../engine/index.js';
import { checkBuilderPreference, chooseBuilders } from './builders.js';

const engine = (dockerHost: string, support: BuilderSupport) =>
  ({ name: dockerHost, dockerHost, builderSupport: async () => support }) as unknown as Engine;
const buildkit = engine('unix:///bk.sock', { builder: 'buildkit' });
const classicOnly = engine('tcp://win:2376', { builder: 'classic', reason: 'the engine runs on windows' });

describe('chooseBuilders', () => {
  it('takes BuildKit wherever the engine has it, and falls back with one line where it does not', async () => {
    const notices: string[] = [];
    const builders = await chooseBuilders([buildkit, classicOnly], { secretImages: [] }, (l) =>
      notices.push(l),
    );
    expect([...builders]).toEqual([
      ['unix:///bk.sock', 'buildkit'],
      ['tcp://win:2376', 'classic'],
    ]);
    expect(notices).toEqual([
      'the engine at tcp://win:2376 builds with the classic builder: the engine runs on windows',
    ]);
  });

  it('keeps the classic builder everywhere when asked, without asking the engines', async () => {
    const asked = engine('unix:///x.sock', { builder: 'buildkit' });
    asked.builderSupport = () => Promise.reject(new Error('must not be asked'));
    const builders = await chooseBuilders([asked], { builder: 'classic', secretImages: [] }, () => {});
    expect([...builders.values()]).toEqual(['classic']);
  });

  it('refuses an engine without BuildKit when BuildKit was asked for, or secrets need it (exit 2)', async () => {
    await expect(
      chooseBuilders([classicOnly], { builder: 'buildkit', from: '--builder', secretImages: [] }, () => {}),
    ).rejects.toMatchObject({
      code: 'PINYARD_BUILDER',
      message: expect.stringMatching(
        /^--builder asks for BuildKit, but the engine at tcp:\/\/win:2376 has none/,
      ),
    });
    await expect(chooseBuilders([classicOnly], { secretImages: ['app'] }, () => {})).rejects.toMatchObject({
      code: 'PINYARD_BUILDER',
      message: expect.stringMatching(/^app need BuildKit for their build secrets/),
    });
  });
});

describe('checkBuilderPreference', () => {
  it('refuses secrets with the classic builder before any engine is asked', () => {
    const error = thrown(() =>
      checkBuilderPreference({ builder: 'classic', from: '--builder', secretImages: ['app'] }),
    );
    expect(error).toMatchObject({ code: 'PINYARD_BUILDER', exitCode: 2 });
    expect(error.message).toBe(
      'app has build secrets, which the classic builder cannot serve (--builder chose it)',
    );
    expect(() => checkBuilderPreference({ secretImages: ['app'] })).not.toThrow();
  });
});
