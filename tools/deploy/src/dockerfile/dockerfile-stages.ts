import { readFileSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';

export interface DockerInstruction {
  keyword: string;
  /** The arguments, continuation lines joined. */
  args: string;
  /** `--from=build` style flags, by name. */
  flags: Record<string, string | null>;
  /** 1-based line, for messages. */
  line: number;
}

export interface DockerStage {
  /** `FROM image AS name`: the name, or the stage's index. */
  name: string;
  baseImage: string;
  instructions: DockerInstruction[];
}

/** A Dockerfile as its build stages, each with its instructions (dockerfile-ast parses it). */
export function readDockerStages(file: string): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of DockerfileParser.parse(readFileSync(file, 'utf8')).getInstructions()) {
    const keyword = instruction.getKeyword();
    const parsed: DockerInstruction = {
      keyword,
      args: (instruction.getArgumentsContent() ?? '').replace(/\\\r?\n\s*/g, ' ').trim(),
      flags: 'getFlags' in instruction && typeof instruction.getFlags === 'function'
        ? Object.fromEntries((instruction.getFlags() as Array<{ getName(): string; getValue(): string | null }>).map((flag) => [flag.getName(), flag.getValue()]))
        : {},
      line: instruction.getRange().start.line + 1,
    };
    if (keyword === 'FROM') {
      const [baseImage = '', as, name] = parsed.args.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length), baseImage, instructions: [] });
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error(`${file}:${parsed.line}: ${keyword} before the first FROM`);
    stage.instructions.push(parsed);
  }
  return stages;
}

/** The stage's instructions with that keyword. */
export function instructionsOf(stage: DockerStage, keyword: string): DockerInstruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/**
 * Environment variables the image's start command reads itself (`${NAME}` in a shell-form
 * CMD or ENTRYPOINT of the last stage), beside those the app reads.
 */
export function variablesReadByStartCommand(stages: DockerStage[]): string[] {
  const last = stages[stages.length - 1];
  if (!last) return [];
  const names = new Set<string>();
  for (const instruction of [...instructionsOf(last, 'CMD'), ...instructionsOf(last, 'ENTRYPOINT')]) {
    for (const match of instruction.args.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) names.add(match[1]);
  }
  return [...names].sort();
}
