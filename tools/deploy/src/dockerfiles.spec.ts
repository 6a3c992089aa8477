import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { BUNDLE_FILE, DEPLOYED_APPS, REPO_ROOT } from './deployed-apps';
import { buildOutputLayout } from './dockerfile/build-output-layout';
import { instructionsOf, readDockerStages, type DockerStage } from './dockerfile/dockerfile-stages';

// Static checks of each app's Dockerfile (no Docker daemon here): the build stage builds the
// standalone folder, the runtime stage installs only its production dependencies and runs it
// as a non-root user, with a health check on /healthz of the ops port.

const words = (args: string) => args.split(/\s+/).filter(Boolean);
/** The arguments of an exec-form (JSON) instruction, or its shell words. */
const commandOf = (args: string): string[] => (args.startsWith('[') ? (JSON.parse(args) as string[]) : words(args));

describe.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))('the Dockerfile of %s', (name, app) => {
  const stages = readDockerStages(app.dockerfile);
  const runtime = stages[stages.length - 1] as DockerStage;
  const layout = buildOutputLayout(app);

  it('is multi-stage: a build stage runs `nx run <app>:build`, the runtime stage copies only its output', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((stage) => instructionsOf(stage, 'RUN').some((run) => run.args.includes(`nx run ${name}:build`)));
    if (!build) throw new Error(`no stage runs nx run ${name}:build`);
    expect(build).not.toBe(runtime);
    const buildDir = instructionsOf(build, 'WORKDIR').at(-1)?.args ?? '/';
    const copies = instructionsOf(runtime, 'COPY').filter((copy) => copy.flags['from'] === build.name);
    expect(copies.map((copy) => words(copy.args)[0]?.replace(/\/$/, ''))).toEqual([posix.join(buildDir, layout.outputPath)]);
    expect(runtime.baseImage).toMatch(/^node:20(\.|-|$)/);
  });

  it('installs only the locked production dependencies at run time and starts the bundle the build writes', () => {
    expect(instructionsOf(runtime, 'RUN').some((run) => /\bnpm ci\b.*--omit=dev/.test(run.args))).toBe(true);
    expect(layout.files).toEqual(expect.arrayContaining([BUNDLE_FILE, 'package.json', 'package-lock.json']));
    const cmd = instructionsOf(runtime, 'CMD').at(-1);
    if (!cmd) throw new Error('no CMD');
    expect(commandOf(cmd.args).join(' ')).toMatch(new RegExp(`\\bnode\\b.*\\b${BUNDLE_FILE.replace('.', '\\.')}\\b`));
  });

  it('copies from the build context only paths that exist in the repository', () => {
    const contextCopies = stages.flatMap((stage) => instructionsOf(stage, 'COPY').filter((copy) => copy.flags['from'] === undefined));
    const sources = contextCopies.flatMap((copy) => words(copy.args).slice(0, -1));
    expect(sources.filter((source) => !existsSync(join(REPO_ROOT, source)))).toEqual([]);
  });

  it('runs as a non-root user', () => {
    const user = instructionsOf(runtime, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('exposes exactly the ports the app serves by default', () => {
    const exposed = instructionsOf(runtime, 'EXPOSE').flatMap((expose) => words(expose.args).map((port) => Number(port.replace(/\/tcp$/, ''))));
    expect(exposed.sort()).toEqual([...app.servicePorts, app.opsPort].sort());
  });

  it('checks health on /healthz of the ops port with Node itself (the slim image has no curl)', () => {
    const [healthcheck, ...more] = instructionsOf(runtime, 'HEALTHCHECK');
    expect(more).toEqual([]);
    if (!healthcheck) throw new Error('no HEALTHCHECK');
    const command = commandOf(healthcheck.args.replace(/^CMD\s+/, ''));
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command[2]).toContain('/healthz');
    expect(command[2]).toMatch(new RegExp(`process\\.env\\.OPS_PORT \\|\\| ${app.opsPort}\\b`));
    expect(healthcheck.flags).toEqual(expect.objectContaining({ interval: expect.any(String), timeout: expect.any(String), 'start-period': expect.any(String) }));
  });
});
