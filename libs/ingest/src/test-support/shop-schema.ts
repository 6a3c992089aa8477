import { join } from 'node:path';
import { loadSchemas, type MessageSchema } from '@eventpath/schemas';

/** `shop.Order` from the lib's fixture .proto. */
export async function shopOrderSchema(): Promise<MessageSchema> {
  const snapshot = await loadSchemas([{ kind: 'protoDirectory', name: 'fixtures', directory: join(__dirname, 'fixtures') }]);
  return snapshot.messageType('shop.Order');
}
