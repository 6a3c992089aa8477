/**
 * The produce examples of Confluent's REST Proxy API v2 reference
 * (docs/api.rst of confluentinc/kafka-rest, "API v2": "Produce messages to a
 * topic" and "... to one partition of the topic"), request lines, headers and
 * bodies as printed there.
 */
export interface DocumentedExample {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const PRODUCE_ACCEPT = 'application/vnd.kafka.v2+json, application/vnd.kafka+json, application/json';

export const BINARY_TO_TOPIC: DocumentedExample = {
  method: 'POST',
  path: '/topics/test',
  headers: { Host: 'kafkaproxy.example.com', 'Content-Type': 'application/vnd.kafka.binary.v2+json', Accept: PRODUCE_ACCEPT },
  body: `{
  "records": [
    {
      "key": "a2V5",
      "value": "Y29uZmx1ZW50"
    },
    {
      "value": "a2Fma2E=",
      "partition": 1
    },
    {
      "value": "bG9ncw=="
    }
  ]
}`,
};

/** Printed without the comma after `value_schema`: as given it is not JSON. */
export const AVRO_TO_TOPIC: DocumentedExample = {
  method: 'POST',
  path: '/topics/test',
  headers: { Host: 'kafkaproxy.example.com', 'Content-Type': 'application/vnd.kafka.avro.v2+json', Accept: PRODUCE_ACCEPT },
  body: `{
  "value_schema": "{\\"name\\":\\"int\\",\\"type\\": \\"int\\"}"
  "records": [
    {
      "value": 12
    },
    {
      "value": 24,
      "partition": 1
    }
  ]
}`,
};

export const JSON_TO_TOPIC: DocumentedExample = {
  method: 'POST',
  path: '/topics/test',
  headers: { Host: 'kafkaproxy.example.com', 'Content-Type': 'application/vnd.kafka.json.v2+json', Accept: PRODUCE_ACCEPT },
  body: `{
  "records": [
    {
      "key": "somekey",
      "value": {"foo": "bar"}
    },
    {
      "value": [ "foo", "bar" ],
      "partition": 1
    },
    {
      "value": 53.5
    }
  ]
}`,
};

export const BINARY_TO_PARTITION: DocumentedExample = {
  method: 'POST',
  path: '/topics/test/partitions/1',
  headers: { Host: 'kafkaproxy.example.com', 'Content-Type': 'application/vnd.kafka.binary.v2+json', Accept: PRODUCE_ACCEPT },
  body: `{
  "records": [
    {
      "key": "a2V5",
      "value": "Y29uZmx1ZW50"
    },
    {
      "value": "a2Fma2E="
    }
  ]
}`,
};

export const JSON_TO_PARTITION: DocumentedExample = {
  method: 'POST',
  path: '/topics/test/partitions/1',
  headers: { Host: 'kafkaproxy.example.com', 'Content-Type': 'application/vnd.kafka.json.v2+json', Accept: PRODUCE_ACCEPT },
  body: `{
  "records": [
    {
      "key": "somekey",
      "value": {"foo": "bar"}
    },
    {
      "value": 53.5
    }
  ]
}`,
};

export const LIST_TOPICS: DocumentedExample = {
  method: 'GET',
  path: '/topics',
  headers: { Host: 'kafkaproxy.example.com', Accept: 'application/vnd.kafka.v2+json' },
};

export const GET_TOPIC: DocumentedExample = { method: 'GET', path: '/topics/test', headers: { Accept: 'application/vnd.kafka.v2+json' } };

export const GET_PARTITIONS: DocumentedExample = {
  method: 'GET',
  path: '/topics/test/partitions',
  headers: { Host: 'kafkaproxy.example.com', Accept: PRODUCE_ACCEPT },
};

export const GET_PARTITION: DocumentedExample = {
  method: 'GET',
  path: '/topics/test/partitions/1',
  headers: { Host: 'kafkaproxy.example.com', Accept: PRODUCE_ACCEPT },
};

/** Sends an example to a gateway (fetch sets `Host` itself, so that header is left to it). */
export async function sendExample(baseUrl: string, example: DocumentedExample): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const { Host: _host, ...headers } = example.headers;
  const response = await fetch(`${baseUrl}${example.path}`, { method: example.method, headers, body: example.body });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}
