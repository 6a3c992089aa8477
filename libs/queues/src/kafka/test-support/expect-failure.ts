import { KafkaOperationError } from '../../errors';

/** The KafkaOperationError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function expectFailure(promise: Promise<unknown>): Promise<KafkaOperationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KafkaOperationError);
  return error as KafkaOperationError;
}
