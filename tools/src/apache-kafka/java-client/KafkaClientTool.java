// A plain Java Kafka client (Apache Kafka's own kafka-clients, from the
// broker's classpath) for tests: the reference implementation of the
// protocol, and what most production producers are. Run as a single-file
// program: java -cp <kafka jars> KafkaClientTool.java <mode> ...
//
//   produce <bootstrap> <topic> <compression> <count>
//       sends <count> records (key k<i>, value v<i>, header event-id=e<i>)
//       with acks=all in one batch-friendly burst; prints one JSON line per
//       record with its partition and offset.
//   consume <bootstrap> <topic> <count>
//       reads <count> records from the beginning (no group); prints one JSON
//       line per record: partition, offset, key, value, headers.
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class KafkaClientTool {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "produce" -> produce(args[1], args[2], args[3], Integer.parseInt(args[4]));
      case "consume" -> consume(args[1], args[2], Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  static void produce(String bootstrap, String topic, String compression, int count) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    props.put("compression.type", compression);
    props.put("linger.ms", "20");
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k" + i, "v" + i);
        record.headers().add("event-id", ("e" + i).getBytes(StandardCharsets.UTF_8));
        sent.add(producer.send(record));
      }
      for (int i = 0; i < count; i++) {
        RecordMetadata metadata = sent.get(i).get();
        System.out.println("{\"key\":\"k" + i + "\",\"partition\":" + metadata.partition() + ",\"offset\":" + metadata.offset() + "}");
      }
    }
  }

  static void consume(String bootstrap, String topic, int count) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) partitions.add(new TopicPartition(topic, info.partition()));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      int seen = 0;
      long deadline = System.currentTimeMillis() + 30_000;
      while (seen < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          StringBuilder headers = new StringBuilder();
          for (Header header : record.headers()) {
            if (headers.length() > 0) headers.append(',');
            headers.append(json(header.key())).append(':').append(json(new String(header.value(), StandardCharsets.UTF_8)));
          }
          System.out.println("{\"partition\":" + record.partition() + ",\"offset\":" + record.offset() + ",\"key\":" + json(record.key())
              + ",\"value\":" + json(record.value()) + ",\"headers\":{" + headers + "}}");
          seen++;
        }
      }
      if (seen < count) throw new IllegalStateException("read " + seen + " of " + count + " records of " + topic);
    }
  }

  static String json(String text) {
    if (text == null) return "null";
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
