/** A topic to create when the broker starts. */
export interface TopicSpec {
  name: string;
  partitions: number;
}

/** Accepts `{ name, partitions }` or the command-line form `name:partitions`. */
export function parseTopicSpec(spec: TopicSpec | string): TopicSpec {
  if (typeof spec !== 'string') return spec;
  const match = /^(.+):(\d+)$/.exec(spec);
  if (!match) throw new TypeError(`expected name:partitions, got ${JSON.stringify(spec)}`);
  return { name: match[1], partitions: Number(match[2]) };
}
