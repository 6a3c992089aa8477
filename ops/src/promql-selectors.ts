import { parser } from '@prometheus-io/lezer-promql';

/** An expression the PromQL grammar does not accept. */
export class PromqlSyntaxError extends Error {
  constructor(
    readonly expr: string,
    readonly position: number,
  ) {
    super(`PromQL syntax error at ${position}: ${expr.slice(0, position)} ⟨here⟩ ${expr.slice(position)}`);
    this.name = 'PromqlSyntaxError';
  }
}

/**
 * The metric names an expression selects (`foo`, `foo{a="b"}`, `foo[5m]`;
 * `{__name__="foo"}` too), parsed with the Prometheus project's own grammar,
 * so function names, label names and keywords never count as metrics.
 * @throws PromqlSyntaxError where the expression does not parse
 */
export function selectedMetrics(expr: string): string[] {
  const tree = parser.parse(expr);
  const names = new Set<string>();
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new PromqlSyntaxError(expr, cursor.from);
    if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') names.add(expr.slice(cursor.from, cursor.to));
    if (cursor.name === 'UnquotedLabelMatcher' || cursor.name === 'QuotedLabelMatcher') {
      const byName = /^__name__\s*=\s*"([^"]+)"$/.exec(expr.slice(cursor.from, cursor.to));
      if (byName) names.add(byName[1]);
    }
  } while (cursor.next());
  return [...names];
}
