import type { LauncherExit } from './start-dev-kafka';

/** librdkafka 2.0.2's assertion when a group's members list different first assignment protocols. */
const GROUP_PROTOCOL_ASSERTION = /rd_kafka_mock_cgrp_elect_leader: Assertion `[^']*protocol/;
const ANY_ASSERTION = /^.*Assertion `.*' failed\.?$/m;

/**
 * Why the launcher died, read from the tail of its stderr, for a launcher that
 * aborted; undefined for any other exit. The group guard (group-guard.c) refuses
 * the JoinGroup that makes the mock abort, so this names the cause should one get
 * past it (it passes on requests it cannot follow, and says so on stderr).
 */
export function explainLauncherExit(exit: Pick<LauncherExit, 'code' | 'signal'>, stderrTail: string): string | undefined {
  if (exit.signal !== 'SIGABRT') return undefined;
  if (GROUP_PROTOCOL_ASSERTION.test(stderrTail)) {
    return (
      "librdkafka's mock cluster aborted electing a consumer group leader: members of one group listed " +
      "different first assignment protocols (kcat's default is range,roundrobin, kafkajs's RoundRobinAssigner). " +
      'Real Kafka refuses such a member with INCONSISTENT_GROUP_PROTOCOL. Give every member of a group the same ' +
      "assignor, or use a separate group; the launcher's stderr says why its group guard let the JoinGroup through."
    );
  }
  const assertion = ANY_ASSERTION.exec(stderrTail)?.[0].trim();
  return `librdkafka's mock cluster aborted${assertion ? `: ${assertion}` : ''}`;
}
