/*
 * Dev Kafka launcher: runs librdkafka's mock cluster (real Kafka wire
 * protocol, in memory) and takes control commands as text lines.
 *
 *   launcher [--brokers N] [--topic name:partitions]... [--control-port P]
 *
 * Prints one JSON line on stdout once the brokers accept connections:
 *   {"ready":true,"bootstrap":"127.0.0.1:40001","brokers":[{"id":1,
 *    "host":"127.0.0.1","port":40001}],"controlPort":41234}
 * then reads commands from stdin and from every connection to the optional
 * control port (127.0.0.1; 0 picks a free port). Each command line gets
 * exactly one JSON line in reply, {"ok":true,...} or {"ok":false,"error":".."}:
 *
 *   down <brokerId>                     refuse connections, drop open ones
 *   up <brokerId>                       accept connections again
 *   create <topic> <partitions>         create a topic
 *   topics                              list topics and partition counts
 *   watermarks <topic> <partition>      low and high offsets of a partition
 *   errors <apiKey> <count> <code>...   next <count> requests of <apiKey>
 *                                       fail with the given error codes
 *   rtt <brokerId|-1> <ms>              delay every response of a broker
 *   quit                                exit
 *
 * EOF on stdin also exits, so a test run that dies leaves no broker behind;
 * SIGINT is ignored for the same reason (use Ctrl-D when running it by hand).
 * librdkafka's own logs go to stderr.
 *
 * A JoinGroup that would make librdkafka 2.0.2's mock cluster abort (group
 * members whose first assignment protocols differ) is refused with
 * INCONSISTENT_GROUP_PROTOCOL, as real Kafka does: see group-guard.c.
 *
 * Build: gcc -O2 -o launcher launcher.c group-guard.c -lrdkafka -ldl
 *        (Debian: librdkafka-dev)
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_BROKERS 64
#define MAX_CONTROL_CLIENTS 32
#define MAX_LINE 4096
#define MAX_ARGS 64
#define MAX_ERROR_CODES 1000
#define MAX_TOPIC_NAME 249
/* Replicas per partition, as in a typical production cluster, capped by the
 * number of brokers. */
#define MAX_REPLICATION_FACTOR 3
/* A query against a broker that is down must not block the other control
 * connections for long. */
#define QUERY_TIMEOUT_MS 3000

/* ---- growable text buffer for JSON replies --------------------------- */

typedef struct {
        char *data;
        size_t len;
        size_t cap;
} text_t;

static void text_reserve(text_t *t, size_t extra) {
        if (t->len + extra + 1 <= t->cap)
                return;
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + extra + 1)
                cap *= 2;
        t->data = realloc(t->data, cap);
        if (!t->data) {
                fprintf(stderr, "dev-kafka launcher: out of memory\n");
                exit(1);
        }
        t->cap = cap;
}

static void text_printf(text_t *t, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        text_reserve(t, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        t->len += (size_t)n;
}

/* Appends s as a JSON string literal. */
static void text_json_string(text_t *t, const char *s) {
        text_printf(t, "\"");
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        text_printf(t, "\\%c", *p);
                else if (*p < 0x20)
                        text_printf(t, "\\u%04x", *p);
                else
                        text_printf(t, "%c", *p);
        }
        text_printf(t, "\"");
}

static void text_reset(text_t *t) {
        t->len = 0;
        if (t->data)
                t->data[0] = '\0';
}

/* ---- waking the mock thread -------------------------------------------
 *
 * librdkafka 2.0.2 runs the mock cluster in its own thread and hands it the
 * control calls (topic create, broker down/up/rtt, error injection) through
 * a queue whose wake-up can be lost: a call queued while that thread is
 * between serving its queue and draining its wake-up pipe waits for the
 * thread's next 1 s poll timeout. Back-to-back commands hit this about every
 * second time. So while a control call waits, a helper thread writes a byte
 * to the wake-up pipes created along with the cluster every millisecond;
 * their readers drain them, so the extra bytes are harmless.
 */

#define MAX_WAKEUP_FDS 8
#define MAX_SCANNED_FD 1024

static int wakeup_fds[MAX_WAKEUP_FDS];
static int wakeup_fd_cnt;
static pthread_mutex_t waker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t waker_cond = PTHREAD_COND_INITIALIZER;
static int mock_calls_waiting;

/* Marks the descriptors open now, to tell which ones a call then creates. */
static void snapshot_fds(char *open_fds) {
        for (int fd = 0; fd < MAX_SCANNED_FD; fd++)
                open_fds[fd] = fcntl(fd, F_GETFD) != -1;
}

/* Remembers the write ends of the pipes opened since the snapshot. */
static void find_wakeup_pipes(const char *open_before) {
        struct stat st;
        for (int fd = 0; fd < MAX_SCANNED_FD; fd++) {
                if (open_before[fd] || wakeup_fd_cnt == MAX_WAKEUP_FDS ||
                    fstat(fd, &st) == -1 || !S_ISFIFO(st.st_mode) ||
                    (fcntl(fd, F_GETFL) & O_ACCMODE) != O_WRONLY)
                        continue;
                wakeup_fds[wakeup_fd_cnt++] = fd;
        }
}

static void *waker_main(void *arg) {
        const char byte = 1;
        (void)arg;
        pthread_mutex_lock(&waker_lock);
        for (;;) {
                while (!mock_calls_waiting)
                        pthread_cond_wait(&waker_cond, &waker_lock);
                pthread_mutex_unlock(&waker_lock);
                /* Errors do not matter: a full pipe wakes its reader too. */
                for (int i = 0; i < wakeup_fd_cnt; i++)
                        (void)!write(wakeup_fds[i], &byte, 1);
                usleep(1000);
                pthread_mutex_lock(&waker_lock);
        }
        return NULL;
}

static void mock_call_begin(void) {
        pthread_mutex_lock(&waker_lock);
        mock_calls_waiting++;
        pthread_cond_signal(&waker_cond);
        pthread_mutex_unlock(&waker_lock);
}

static void mock_call_end(void) {
        pthread_mutex_lock(&waker_lock);
        mock_calls_waiting--;
        pthread_mutex_unlock(&waker_lock);
}

/* ---- consumer group guard (group-guard.c) ---------------------------- */

/* Starts guarding the connections the cluster accepts from now on. */
void group_guard_start(rd_kafka_mock_cluster_t *mcluster);
/* Queues errors for the next JoinGroup requests; 0, or -1 when full. */
int group_guard_queue_join_errors(size_t cnt,
                                  const rd_kafka_resp_err_t *errors);

#define API_KEY_JOIN_GROUP 11

/* One line on stderr, after the launcher's name; group-guard.c uses it too. */
void launcher_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- launcher state -------------------------------------------------- */

typedef struct {
        rd_kafka_t *host;      /* owns the mock cluster */
        rd_kafka_mock_cluster_t *mcluster;
        rd_kafka_t *client;    /* queries metadata and watermarks */
        int broker_cnt;
} launcher_t;

/* A source of command lines and where its replies go. */
typedef struct {
        int in_fd;
        int out_fd;
        char buf[MAX_LINE];
        size_t len;
        int discarding; /* the current line is too long: drop it */
} channel_t;

static void vnote(const char *fmt, va_list ap) {
        fprintf(stderr, "dev-kafka launcher: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
}

void launcher_note(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vnote(fmt, ap);
        va_end(ap);
}

static void die(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vnote(fmt, ap);
        va_end(ap);
        exit(2);
}

static int parse_long(const char *s, long min, long max, long *out) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max)
                return -1;
        *out = v;
        return 0;
}

/* Kafka's legal topic names; also keeps names safe inside JSON and lines. */
static int valid_topic_name(const char *name) {
        size_t n = strlen(name);
        if (n == 0 || n > MAX_TOPIC_NAME || !strcmp(name, ".") ||
            !strcmp(name, ".."))
                return 0;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                      c == '-'))
                        return 0;
        }
        return 1;
}

static int replication_factor(const launcher_t *l) {
        return l->broker_cnt < MAX_REPLICATION_FACTOR ? l->broker_cnt
                                                      : MAX_REPLICATION_FACTOR;
}

/* Returns NULL when the topic was created, else the reason it was not. */
static const char *create_topic(launcher_t *l, const char *name,
                                long partitions) {
        if (!valid_topic_name(name))
                return "topic names use only [a-zA-Z0-9._-], at most 249 "
                       "characters";
        mock_call_begin();
        rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(
            l->mcluster, name, (int)partitions, replication_factor(l));
        mock_call_end();
        return err ? rd_kafka_err2str(err) : NULL;
}

/* ---- replies --------------------------------------------------------- */

static void reply_error(text_t *out, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        text_printf(out, "{\"ok\":false,\"error\":");
        text_json_string(out, msg);
        text_printf(out, "}");
}

static void reply_kafka_error(text_t *out, const char *what,
                              rd_kafka_resp_err_t err) {
        reply_error(out, "%s: %s (%s)", what, rd_kafka_err2name(err),
                    rd_kafka_err2str(err));
}

/* ---- commands -------------------------------------------------------- */

static int parse_broker_id(const launcher_t *l, const char *arg,
                           int allow_all, int32_t *id, text_t *out) {
        long v;
        if (parse_long(arg, allow_all ? -1 : 1, l->broker_cnt, &v) ||
            v == 0) {
                reply_error(out, "broker id must be 1..%d%s", l->broker_cnt,
                            allow_all ? " or -1 for all" : "");
                return -1;
        }
        *id = (int32_t)v;
        return 0;
}

static void cmd_down_up(launcher_t *l, int argc, char **argv, text_t *out) {
        int32_t id;
        if (argc != 2) {
                reply_error(out, "usage: %s <brokerId>", argv[0]);
                return;
        }
        if (parse_broker_id(l, argv[1], 0, &id, out))
                return;
        mock_call_begin();
        rd_kafka_resp_err_t err =
            !strcmp(argv[0], "down")
                ? rd_kafka_mock_broker_set_down(l->mcluster, id)
                : rd_kafka_mock_broker_set_up(l->mcluster, id);
        mock_call_end();
        if (err)
                reply_kafka_error(out, argv[0], err);
        else
                text_printf(out, "{\"ok\":true,\"broker\":%" PRId32 "}", id);
}

static void cmd_create(launcher_t *l, int argc, char **argv, text_t *out) {
        long partitions;
        if (argc != 3) {
                reply_error(out, "usage: create <topic> <partitions>");
                return;
        }
        if (parse_long(argv[2], 1, 100000, &partitions)) {
                reply_error(out, "partitions must be 1..100000");
                return;
        }
        const char *why = create_topic(l, argv[1], partitions);
        if (why)
                reply_error(out, "create %s: %s", argv[1], why);
        else {
                text_printf(out, "{\"ok\":true,\"topic\":");
                text_json_string(out, argv[1]);
                text_printf(out, ",\"partitions\":%ld}", partitions);
        }
}

/* Lists every topic the cluster holds, including ones a client auto-created.
 * Asking for all topics never creates one; asking for a named unknown topic
 * would create it with 4 partitions, which is why no command does that. */
static rd_kafka_resp_err_t all_topics(launcher_t *l,
                                      const struct rd_kafka_metadata **md) {
        return rd_kafka_metadata(l->client, 1, NULL, md, QUERY_TIMEOUT_MS);
}

static void cmd_topics(launcher_t *l, int argc, char **argv, text_t *out) {
        const struct rd_kafka_metadata *md;
        (void)argv;
        if (argc != 1) {
                reply_error(out, "usage: topics");
                return;
        }
        rd_kafka_resp_err_t err = all_topics(l, &md);
        if (err) {
                reply_kafka_error(out, "metadata", err);
                return;
        }
        text_printf(out, "{\"ok\":true,\"topics\":[");
        for (int i = 0; i < md->topic_cnt; i++) {
                text_printf(out, "%s{\"name\":", i ? "," : "");
                text_json_string(out, md->topics[i].topic);
                text_printf(out, ",\"partitions\":%d}",
                            md->topics[i].partition_cnt);
        }
        text_printf(out, "]}");
        rd_kafka_metadata_destroy(md);
}

/* Partition count of an existing topic, or -1 when the cluster lacks it. */
static int partition_count(const struct rd_kafka_metadata *md,
                           const char *topic) {
        for (int i = 0; i < md->topic_cnt; i++)
                if (!strcmp(md->topics[i].topic, topic))
                        return md->topics[i].partition_cnt;
        return -1;
}

static void cmd_watermarks(launcher_t *l, int argc, char **argv,
                           text_t *out) {
        const struct rd_kafka_metadata *md;
        long partition;
        int64_t low, high;
        if (argc != 3) {
                reply_error(out, "usage: watermarks <topic> <partition>");
                return;
        }
        if (parse_long(argv[2], 0, INT32_MAX, &partition)) {
                reply_error(out, "partition must be a number >= 0");
                return;
        }
        rd_kafka_resp_err_t err = all_topics(l, &md);
        if (err) {
                reply_kafka_error(out, "metadata", err);
                return;
        }
        int partitions = partition_count(md, argv[1]);
        rd_kafka_metadata_destroy(md);
        if (partitions < 0) {
                reply_error(out, "unknown topic %s", argv[1]);
                return;
        }
        if (partition >= partitions) {
                reply_error(out, "topic %s has %d partitions", argv[1],
                            partitions);
                return;
        }
        err = rd_kafka_query_watermark_offsets(l->client, argv[1],
                                               (int32_t)partition, &low,
                                               &high, QUERY_TIMEOUT_MS);
        if (err) {
                reply_kafka_error(out, "watermarks", err);
                return;
        }
        text_printf(out, "{\"ok\":true,\"low\":%" PRId64 ",\"high\":%" PRId64
                         "}",
                    low, high);
}

static void cmd_errors(launcher_t *l, int argc, char **argv, text_t *out) {
        long api_key, count, code;
        rd_kafka_resp_err_t codes[MAX_ERROR_CODES];
        if (argc < 3 || parse_long(argv[1], 0, INT16_MAX, &api_key) ||
            parse_long(argv[2], 1, MAX_ERROR_CODES, &count) ||
            argc != 3 + count) {
                reply_error(out, "usage: errors <apiKey> <count> followed by "
                                 "<count> error codes (count 1..%d)",
                            MAX_ERROR_CODES);
                return;
        }
        for (long i = 0; i < count; i++) {
                /* Negative codes are librdkafka-internal ones such as
                 * -195 (_TRANSPORT), which makes the broker disconnect. */
                if (parse_long(argv[3 + i], -200, INT16_MAX, &code)) {
                        reply_error(out, "bad error code %s", argv[3 + i]);
                        return;
                }
                codes[i] = (rd_kafka_resp_err_t)code;
        }
        /* The group guard injects JoinGroup errors itself, so both kinds go
         * through its queue in order. */
        if (api_key == API_KEY_JOIN_GROUP) {
                if (group_guard_queue_join_errors((size_t)count, codes))
                        reply_error(out, "too many JoinGroup errors queued");
                else
                        text_printf(out,
                                    "{\"ok\":true,\"apiKey\":%ld,"
                                    "\"count\":%ld}",
                                    api_key, count);
                return;
        }
        mock_call_begin();
        rd_kafka_mock_push_request_errors_array(l->mcluster, (int16_t)api_key,
                                                (size_t)count, codes);
        mock_call_end();
        text_printf(out, "{\"ok\":true,\"apiKey\":%ld,\"count\":%ld}",
                    api_key, count);
}

static void cmd_rtt(launcher_t *l, int argc, char **argv, text_t *out) {
        int32_t id;
        long ms;
        if (argc != 3) {
                reply_error(out, "usage: rtt <brokerId|-1> <ms>");
                return;
        }
        if (parse_broker_id(l, argv[1], 1, &id, out))
                return;
        if (parse_long(argv[2], 0, 3600000, &ms)) {
                reply_error(out, "ms must be 0..3600000");
                return;
        }
        mock_call_begin();
        rd_kafka_resp_err_t err =
            rd_kafka_mock_broker_set_rtt(l->mcluster, id, (int)ms);
        mock_call_end();
        if (err)
                reply_kafka_error(out, "rtt", err);
        else
                text_printf(out, "{\"ok\":true,\"broker\":%" PRId32
                                 ",\"rttMs\":%ld}",
                            id, ms);
}

/* Runs one command line and writes its reply into out.
 * Returns 1 when the launcher should exit. */
static int run_command(launcher_t *l, char *line, text_t *out) {
        char *argv[MAX_ARGS];
        int argc = 0;
        char *save;
        for (char *tok = strtok_r(line, " \t\r", &save); tok;
             tok = strtok_r(NULL, " \t\r", &save)) {
                if (argc == MAX_ARGS) {
                        reply_error(out, "too many arguments");
                        return 0;
                }
                argv[argc++] = tok;
        }
        if (argc == 0)
                reply_error(out, "empty command");
        else if (!strcmp(argv[0], "down") || !strcmp(argv[0], "up"))
                cmd_down_up(l, argc, argv, out);
        else if (!strcmp(argv[0], "create"))
                cmd_create(l, argc, argv, out);
        else if (!strcmp(argv[0], "topics"))
                cmd_topics(l, argc, argv, out);
        else if (!strcmp(argv[0], "watermarks"))
                cmd_watermarks(l, argc, argv, out);
        else if (!strcmp(argv[0], "errors"))
                cmd_errors(l, argc, argv, out);
        else if (!strcmp(argv[0], "rtt"))
                cmd_rtt(l, argc, argv, out);
        else if (!strcmp(argv[0], "quit")) {
                text_printf(out, "{\"ok\":true}");
                return 1;
        } else
                reply_error(out,
                            "unknown command %.64s (commands: down, up, "
                            "create, topics, watermarks, errors, rtt, quit)",
                            argv[0]);
        return 0;
}

/* ---- I/O ------------------------------------------------------------- */

/* Writes all of buf; a reader that went away is not the launcher's problem
 * (SIGPIPE is ignored), so errors just end the write. */
static void write_all(int fd, const char *buf, size_t len) {
        while (len > 0) {
                ssize_t n = write(fd, buf, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return;
                buf += n;
                len -= (size_t)n;
        }
}

static void send_line(int fd, text_t *t) {
        text_printf(t, "\n");
        write_all(fd, t->data, t->len);
        text_reset(t);
}

/* Reads what is available on a channel and runs every complete line.
 * Returns -1 when the channel is closed, 1 on quit, 0 otherwise. */
static int service_channel(launcher_t *l, channel_t *ch, text_t *out) {
        char chunk[MAX_LINE];
        ssize_t n = read(ch->in_fd, chunk, sizeof chunk);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return 0;
        if (n <= 0)
                return -1;
        for (ssize_t i = 0; i < n; i++) {
                char c = chunk[i];
                if (c != '\n') {
                        if (ch->len + 1 < sizeof ch->buf)
                                ch->buf[ch->len++] = c;
                        else
                                ch->discarding = 1;
                        continue;
                }
                ch->buf[ch->len] = '\0';
                int quit = 0;
                if (ch->discarding)
                        reply_error(out, "line longer than %d bytes",
                                    MAX_LINE - 1);
                else
                        quit = run_command(l, ch->buf, out);
                send_line(ch->out_fd, out);
                ch->len = 0;
                ch->discarding = 0;
                if (quit)
                        return 1;
        }
        return 0;
}

static int listen_control_port(long port, int *bound_port) {
        struct sockaddr_in addr;
        socklen_t addr_len = sizeof addr;
        int one = 1;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                die("control socket: %s", strerror(errno));
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        memset(&addr, 0, sizeof addr);
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons((uint16_t)port);
        if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
                die("control port %ld: %s", port, strerror(errno));
        if (listen(fd, 16) < 0)
                die("control port listen: %s", strerror(errno));
        getsockname(fd, (struct sockaddr *)&addr, &addr_len);
        *bound_port = ntohs(addr.sin_port);
        return fd;
}

/* Serves stdin and the control port until quit or EOF on stdin. */
static void serve(launcher_t *l, int listen_fd) {
        channel_t channels[1 + MAX_CONTROL_CLIENTS];
        struct pollfd fds[2 + MAX_CONTROL_CLIENTS];
        int channel_cnt = 1;
        text_t out = {0};

        memset(channels, 0, sizeof channels);
        channels[0].in_fd = STDIN_FILENO;
        channels[0].out_fd = STDOUT_FILENO;

        for (;;) {
                int nfds = 0;
                for (int i = 0; i < channel_cnt; i++) {
                        fds[nfds].fd = channels[i].in_fd;
                        fds[nfds++].events = POLLIN;
                }
                if (listen_fd >= 0) {
                        fds[nfds].fd = listen_fd;
                        fds[nfds++].events = POLLIN;
                }
                if (poll(fds, (nfds_t)nfds, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        die("poll: %s", strerror(errno));
                }

                /* Walk backwards so removing a closed client keeps the
                 * indexes of the ones not yet visited. */
                for (int i = channel_cnt - 1; i >= 0; i--) {
                        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                                continue;
                        int r = service_channel(l, &channels[i], &out);
                        if (r == 1 || (r == -1 && i == 0))
                                goto done;
                        if (r == -1) {
                                close(channels[i].in_fd);
                                channels[i] = channels[--channel_cnt];
                        }
                }

                if (listen_fd >= 0 && (fds[nfds - 1].revents & POLLIN)) {
                        int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
                        if (fd < 0)
                                continue;
                        if (channel_cnt == 1 + MAX_CONTROL_CLIENTS) {
                                reply_error(&out,
                                            "too many control connections");
                                send_line(fd, &out);
                                close(fd);
                                continue;
                        }
                        memset(&channels[channel_cnt], 0, sizeof(channel_t));
                        channels[channel_cnt].in_fd = fd;
                        channels[channel_cnt].out_fd = fd;
                        channel_cnt++;
                }
        }
done:
        for (int i = 1; i < channel_cnt; i++)
                close(channels[i].in_fd);
        free(out.data);
}

/* ---- start-up -------------------------------------------------------- */

/* config: NULL-terminated list of property, value pairs. */
static rd_kafka_t *new_handle(const char *const *config) {
        char errstr[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        for (; config[0]; config += 2)
                if (rd_kafka_conf_set(conf, config[0], config[1], errstr,
                                      sizeof errstr))
                        die("config %s: %s", config[0], errstr);
        rd_kafka_t *rk =
            rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
        if (!rk)
                die("rd_kafka_new: %s", errstr);
        return rk;
}

static void print_ready(launcher_t *l, int control_port) {
        const struct rd_kafka_metadata *md;
        text_t out = {0};
        /* Broker ids and ports come from the cluster's own metadata, the
         * view every Kafka client gets. */
        rd_kafka_resp_err_t err =
            rd_kafka_metadata(l->client, 0, NULL, &md, QUERY_TIMEOUT_MS);
        if (err)
                die("metadata of the new cluster: %s", rd_kafka_err2str(err));
        text_printf(&out, "{\"ready\":true,\"bootstrap\":");
        text_json_string(&out,
                         rd_kafka_mock_cluster_bootstraps(l->mcluster));
        text_printf(&out, ",\"brokers\":[");
        for (int i = 0; i < md->broker_cnt; i++) {
                text_printf(&out, "%s{\"id\":%" PRId32 ",\"host\":",
                            i ? "," : "", md->brokers[i].id);
                text_json_string(&out, md->brokers[i].host);
                text_printf(&out, ",\"port\":%d}", md->brokers[i].port);
        }
        text_printf(&out, "]");
        if (control_port >= 0)
                text_printf(&out, ",\"controlPort\":%d", control_port);
        text_printf(&out, "}");
        rd_kafka_metadata_destroy(md);
        send_line(STDOUT_FILENO, &out);
        free(out.data);
}

static void usage(void) {
        die("usage: launcher [--brokers N] [--topic name:partitions]... "
            "[--control-port P]");
}

int main(int argc, char **argv) {
        launcher_t l = {0};
        long brokers = 1, control_port = -1;
        const char *topics[MAX_ARGS];
        int topic_cnt = 0, bound_control_port = -1, listen_fd = -1;

        signal(SIGPIPE, SIG_IGN);
        /* Ctrl-C in a terminal signals the whole process group; the process
         * that started the launcher decides when it ends, by closing stdin. */
        signal(SIGINT, SIG_IGN);

        for (int i = 1; i < argc; i++) {
                if (i + 1 >= argc)
                        usage();
                if (!strcmp(argv[i], "--brokers")) {
                        if (parse_long(argv[++i], 1, MAX_BROKERS, &brokers))
                                die("--brokers must be 1..%d", MAX_BROKERS);
                } else if (!strcmp(argv[i], "--control-port")) {
                        if (parse_long(argv[++i], 0, 65535, &control_port))
                                die("--control-port must be 0..65535");
                } else if (!strcmp(argv[i], "--topic")) {
                        if (topic_cnt == MAX_ARGS)
                                die("at most %d --topic options", MAX_ARGS);
                        topics[topic_cnt++] = argv[++i];
                } else
                        usage();
        }

        /* The host handle only carries the mock cluster; it never connects,
         * and its "no bootstrap.servers" notice is below this log level. */
        const char *const host_config[] = {"log_level", "4", NULL};
        l.host = new_handle(host_config);
        l.broker_cnt = (int)brokers;
        char open_fds[MAX_SCANNED_FD];
        snapshot_fds(open_fds);
        l.mcluster = rd_kafka_mock_cluster_new(l.host, l.broker_cnt);
        if (!l.mcluster)
                die("rd_kafka_mock_cluster_new failed");
        find_wakeup_pipes(open_fds);
        group_guard_start(l.mcluster);
        pthread_t waker;
        if (pthread_create(&waker, NULL, waker_main, NULL))
                die("cannot start the wake-up thread");

        for (int i = 0; i < topic_cnt; i++) {
                char name[MAX_LINE];
                long partitions;
                const char *colon = strrchr(topics[i], ':');
                if (!colon || (size_t)(colon - topics[i]) >= sizeof name ||
                    parse_long(colon + 1, 1, 100000, &partitions))
                        die("--topic %s: expected name:partitions",
                            topics[i]);
                memcpy(name, topics[i], (size_t)(colon - topics[i]));
                name[colon - topics[i]] = '\0';
                const char *why = create_topic(&l, name, partitions);
                if (why)
                        die("--topic %s: %s", topics[i], why);
        }

        /* The query client's failures are reported in command replies; while
         * a broker is down its reconnect attempts would only add noise to
         * stderr. Keeping connections to every broker with a short backoff
         * lets the first query after "up" answer within ~100 ms; with sparse
         * connections librdkafka would wait for its 1 s housekeeping timer
         * before reconnecting. */
        const char *const client_config[] = {
            "bootstrap.servers", rd_kafka_mock_cluster_bootstraps(l.mcluster),
            "log_level", "0",
            "enable.sparse.connections", "false",
            "reconnect.backoff.ms", "10",
            "reconnect.backoff.max.ms", "100",
            NULL};
        l.client = new_handle(client_config);

        if (control_port >= 0)
                listen_fd = listen_control_port(control_port,
                                                &bound_control_port);

        print_ready(&l, bound_control_port);
        serve(&l, listen_fd);

        /* No rd_kafka_mock_cluster_destroy(): it waits for the mock thread's
         * next wake-up, up to 1 s, which every test's clean-up would pay.
         * The cluster lives only in this process's memory and its sockets
         * close with the process, so exiting is all the clean-up there is. */
        _exit(0);
}
