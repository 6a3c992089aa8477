import { explainLauncherExit } from './launcher-crash';

describe('explainLauncherExit', () => {
  // What librdkafka 2.0.2 writes when a kcat and a kafkajs member join one group (launcher without the guard).
  const groupProtocolAbort =
    "launcher-bb7e29a4c02f2e34: rdkafka_mock_cgrp.c:348: rd_kafka_mock_cgrp_elect_leader: Assertion `!rd_kafkap_str_cmp_str( member2->protos[0].name, mcgrp->protocol_name)' failed.";

  it('names the mixed assignment protocols of a group when the mock aborted electing its leader', () => {
    const reason = explainLauncherExit({ code: null, signal: 'SIGABRT' }, `some log line\n${groupProtocolAbort}`);
    expect(reason).toMatch(/different first assignment protocols/);
    expect(reason).toMatch(/INCONSISTENT_GROUP_PROTOCOL/);
  });

  it('quotes any other assertion, and explains nothing for exits that are not aborts', () => {
    const other = "launcher: rdkafka_mock.c:1: f: Assertion `x' failed.";
    expect(explainLauncherExit({ code: null, signal: 'SIGABRT' }, other)).toBe(
      `librdkafka's mock cluster aborted: ${other}`,
    );
    expect(explainLauncherExit({ code: 0, signal: null }, groupProtocolAbort)).toBeUndefined();
    expect(explainLauncherExit({ code: null, signal: 'SIGKILL' }, groupProtocolAbort)).toBeUndefined();
  });
});
