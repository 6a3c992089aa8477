/*
 * Consumer group protocol guard of the dev Kafka launcher.
 *
 * librdkafka 2.0.2's mock cluster answers every member of a group with the
 * first assignment protocol of the leader, and asserts on the way that every
 * member lists that protocol first (rd_kafka_mock_cgrp_elect_leader in
 * rdkafka_mock_cgrp.c). A kcat consumer ("range,roundrobin") and a kafkajs
 * member ("RoundRobinAssigner") in one group therefore abort the launcher
 * with SIGABRT, and every broker of the cluster is gone. Real Kafka refuses
 * such a JoinGroup with INCONSISTENT_GROUP_PROTOCOL.
 *
 * The mock's internals are not exported, so the guard works on the wire. The
 * launcher defines accept(), recvmsg(), sendmsg(), poll() and close();
 * librdkafka's calls resolve to them (the executable comes first in symbol
 * lookup) and they forward to libc's. The connections the mock accepts are
 * followed request by request. A JoinGroup, Heartbeat, LeaveGroup or
 * SyncGroup request is read whole before any of its body reaches the mock,
 * so a JoinGroup can be judged, and changed, before the mock parses it. From
 * these requests and the JoinGroup and LeaveGroup responses the guard keeps
 * each group's members (ids, first protocol, last activity) much as the mock
 * does; members are forgotten a little later than the mock drops them on
 * session timeout, never earlier. A JoinGroup while the group has other
 * members:
 *   - lists the group's protocol first: passed on unchanged;
 *   - lists it later: that protocol is moved first in the request, so the
 *     mock picks it, as real Kafka would pick a protocol all members support;
 *   - lacks it, lists no protocol, or has another protocol type: refused
 *     with INCONSISTENT_GROUP_PROTOCOL (23), by pushing that error for the
 *     next JoinGroup just before the mock parses this one (the mock serves
 *     one connection at a time, so no other JoinGroup comes in between).
 * JoinGroup errors a test injects with the `errors 11 ...` command go through
 * the same queue (group_guard_take_errors), so that the two never swap.
 *
 * What real Kafka would accept and this guard refuses: a member that lacks
 * the group's current protocol but shares another one with every member
 * (Kafka would switch the group to it; the mock cannot).
 *
 * This relies on 2.0.2's mock: it reads a request as a 12-byte header and then
 * the body, with recvmsg() on the sockets it got from accept(), and takes
 * cluster-wide injected errors in order. Mock versions 0..5 of JoinGroup,
 * 0..3 of Heartbeat and SyncGroup and 0..1 of LeaveGroup are all
 * non-flexible, which is all this parses.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define API_JOIN_GROUP 11
#define API_HEARTBEAT 12
#define API_LEAVE_GROUP 13
#define API_SYNC_GROUP 14
#define ERR_INCONSISTENT_GROUP_PROTOCOL 23

/* Size, ApiKey, ApiVersion, CorrelationId: what the mock reads first. */
#define REQUEST_HEADER_BYTES 12
/* Size, CorrelationId. */
#define RESPONSE_HEADER_BYTES 8
/* Group requests are small; a larger one is passed on without a look. */
#define MAX_INSPECTED_BODY (1024 * 1024)
/* Enough of a response for the fields read below (names are < MAX_NAME). */
#define MAX_RESPONSE_CAPTURE 4096
#define MAX_TRACKED_FDS 4096
#define MAX_PENDING 16
#define MAX_GROUPS 256
#define MAX_MEMBERS 64
#define MAX_PROTOCOLS 32
#define MAX_NAME 256
#define MAX_QUEUED_ERRORS 1000
/* The mock checks session timeouts once a second; members are forgotten
 * this much later than it would drop them. */
#define EXPIRY_GRACE_MS 3000

/* ---- libc functions the hooks forward to ------------------------------ */

static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_close)(int);
static int (*real_poll)(struct pollfd *, nfds_t, int);
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void *next_symbol(const char *name) {
        void *symbol = dlsym(RTLD_NEXT, name);
        if (!symbol) {
                fprintf(stderr, "dev-kafka launcher: cannot find libc's %s\n",
                        name);
                _exit(2);
        }
        return symbol;
}

static void resolve_real(void) {
        real_recvmsg = next_symbol("recvmsg");
        real_sendmsg = next_symbol("sendmsg");
        real_accept = next_symbol("accept");
        real_close = next_symbol("close");
        real_poll = next_symbol("poll");
}

/* ---- state ------------------------------------------------------------ */

/* A JoinGroup or LeaveGroup whose response is awaited. */
typedef struct {
        int32_t corr_id;
        int16_t api_key;
        int16_t api_version;
        char group[MAX_NAME];
        char member_id[MAX_NAME]; /* LeaveGroup: the member leaving */
} pending_t;

/* One connection the mock accepted. */
typedef struct {
        /* Requests: the one being handed to the mock. */
        unsigned char header[REQUEST_HEADER_BYTES];
        size_t pos;    /* its bytes handed to the mock so far */
        size_t length; /* its size, header included; 0 until known */
        int16_t api_key;
        int16_t api_version;
        int32_t corr_id;
        int inspect; /* its body is read whole first */
        unsigned char *body;
        size_t body_got;   /* body bytes read from the socket */
        size_t body_given; /* body bytes handed to the mock */
        int holding;       /* all of the body is here, not all handed on */
        int lost;          /* stream no longer followed (malformed) */
        /* Responses: the one being sent. */
        unsigned char rheader[RESPONSE_HEADER_BYTES];
        size_t rpos;
        size_t rlength;
        int rpending; /* index in pending[], or -1 */
        unsigned char rbody[MAX_RESPONSE_CAPTURE];
        size_t rbody_len;
        pending_t pending[MAX_PENDING];
        int pending_cnt;
} conn_t;

typedef struct {
        int used;
        char id[MAX_NAME]; /* "" until the JoinGroup response names it */
        int confirmed;     /* the mock accepted a JoinGroup of it */
        char protocol[MAX_NAME];
        char previous_protocol[MAX_NAME];
        int64_t last_activity_ms;
        int32_t session_timeout_ms;
        int join_fd; /* connection of the JoinGroup awaiting its answer */
        int32_t join_corr_id;
} member_t;

typedef struct {
        int used;
        char id[MAX_NAME];
        char protocol_type[MAX_NAME];
        /* The mock applies the last joiner's session timeout to everyone. */
        int32_t session_timeout_ms;
        member_t members[MAX_MEMBERS];
} group_t;

static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static rd_kafka_mock_cluster_t *guard_cluster;
static conn_t *conns[MAX_TRACKED_FDS];
/* Connections holding body bytes the mock has not taken yet. */
static int held_conns;
static group_t groups[MAX_GROUPS];
static rd_kafka_resp_err_t queued_errors[MAX_QUEUED_ERRORS];
static size_t queued_head, queued_cnt;

/* launcher.c: one line on stderr, after the launcher's name. */
void launcher_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define note launcher_note

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t be32(const unsigned char *p) {
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
               (uint32_t)p[2] << 8 | p[3];
}

/* Read without the lock by the hooks to let other sockets pass quickly: an
 * entry is set on accept() and cleared in close() before the fd is freed, so
 * another socket never finds one. */
static conn_t *tracked(int fd) {
        return fd >= 0 && fd < MAX_TRACKED_FDS
                   ? __atomic_load_n(&conns[fd], __ATOMIC_ACQUIRE)
                   : NULL;
}

static void set_tracked(int fd, conn_t *c) {
        __atomic_store_n(&conns[fd], c, __ATOMIC_RELEASE);
}

/* ---- reading the Kafka wire format ------------------------------------ */

typedef struct {
        const unsigned char *start;
        const unsigned char *p;
        size_t left;
        int bad;
} reader_t;

static reader_t reader(const unsigned char *p, size_t len) {
        reader_t r = {p, p, len, 0};
        return r;
}

static int need(reader_t *r, size_t n) {
        if (r->bad || r->left < n) {
                r->bad = 1;
                return 0;
        }
        return 1;
}

static int32_t read_i32(reader_t *r) {
        if (!need(r, 4))
                return 0;
        int32_t v = (int32_t)be32(r->p);
        r->p += 4;
        r->left -= 4;
        return v;
}

static int16_t read_i16(reader_t *r) {
        if (!need(r, 2))
                return 0;
        int16_t v = (int16_t)((uint16_t)r->p[0] << 8 | r->p[1]);
        r->p += 2;
        r->left -= 2;
        return v;
}

static void skip(reader_t *r, size_t n) {
        if (!need(r, n))
                return;
        r->p += n;
        r->left -= n;
}

/* A (nullable) STRING into out (MAX_NAME bytes). When `required`, a null or
 * a longer one marks the reader bad; else null reads as "" and a longer one
 * is cut (it is only printed). */
static void read_str(reader_t *r, char *out, int required) {
        int16_t len = read_i16(r);
        out[0] = '\0';
        if (r->bad)
                return;
        if (len < 0) {
                if (required)
                        r->bad = 1;
                return;
        }
        if ((size_t)len >= MAX_NAME && required) {
                r->bad = 1;
                return;
        }
        if (!need(r, (size_t)len))
                return;
        size_t kept = (size_t)len < MAX_NAME ? (size_t)len : MAX_NAME - 1;
        memcpy(out, r->p, kept);
        out[kept] = '\0';
        skip(r, (size_t)len);
}

static void skip_bytes(reader_t *r) {
        int32_t len = read_i32(r);
        if (len > 0)
                skip(r, (size_t)len);
}

/* ---- groups ------------------------------------------------------------ */

static int member_cnt(const group_t *g) {
        int n = 0;
        for (int i = 0; i < MAX_MEMBERS; i++)
                n += g->members[i].used;
        return n;
}

/* The group named id; with `create`, a new one in a slot unused or left
 * without members. */
static group_t *find_group(const char *id, int create) {
        group_t *free_slot = NULL;
        for (int i = 0; i < MAX_GROUPS; i++) {
                if (groups[i].used && !strcmp(groups[i].id, id))
                        return &groups[i];
                if ((!groups[i].used || !member_cnt(&groups[i])) && !free_slot)
                        free_slot = &groups[i];
        }
        if (!create || !free_slot)
                return NULL;
        memset(free_slot, 0, sizeof *free_slot);
        free_slot->used = 1;
        snprintf(free_slot->id, sizeof free_slot->id, "%s", id);
        return free_slot;
}

static member_t *find_member(group_t *g, const char *id) {
        if (!id[0])
                return NULL;
        for (int i = 0; i < MAX_MEMBERS; i++)
                if (g->members[i].used && !strcmp(g->members[i].id, id))
                        return &g->members[i];
        return NULL;
}

static member_t *add_member(group_t *g) {
        for (int i = 0; i < MAX_MEMBERS; i++) {
                if (g->members[i].used)
                        continue;
                memset(&g->members[i], 0, sizeof g->members[i]);
                g->members[i].used = 1;
                g->members[i].join_fd = -1;
                return &g->members[i];
        }
        return NULL;
}

static void forget_member(group_t *g, member_t *m) {
        m->used = 0;
        if (!member_cnt(g))
                g->used = 0;
}

static void expire_members(group_t *g, int64_t now) {
        for (int i = 0; i < MAX_MEMBERS; i++) {
                member_t *m = &g->members[i];
                int32_t timeout = m->session_timeout_ms > g->session_timeout_ms
                                      ? m->session_timeout_ms
                                      : g->session_timeout_ms;
                if (m->used &&
                    now - m->last_activity_ms > timeout + EXPIRY_GRACE_MS)
                        m->used = 0;
        }
}

/* A live member other than `self`: all of them share one first protocol. */
static member_t *other_member(group_t *g, const member_t *self) {
        for (int i = 0; i < MAX_MEMBERS; i++)
                if (g->members[i].used && &g->members[i] != self)
                        return &g->members[i];
        return NULL;
}

static void touch_member(const char *group_id, const char *member_id) {
        group_t *g = find_group(group_id, 0);
        member_t *m = g ? find_member(g, member_id) : NULL;
        if (m)
                m->last_activity_ms = now_ms();
}

static void add_pending(conn_t *c, const char *group, const char *member_id) {
        if (c->pending_cnt == MAX_PENDING) {
                note("more than %d group requests in flight on one "
                     "connection: not following the oldest",
                     MAX_PENDING);
                memmove(&c->pending[0], &c->pending[1],
                        sizeof(pending_t) * (MAX_PENDING - 1));
                c->pending_cnt--;
        }
        pending_t *p = &c->pending[c->pending_cnt++];
        p->corr_id = c->corr_id;
        p->api_key = c->api_key;
        p->api_version = c->api_version;
        snprintf(p->group, sizeof p->group, "%s", group);
        snprintf(p->member_id, sizeof p->member_id, "%s", member_id);
}

/* ---- judging a JoinGroup ----------------------------------------------- */

typedef struct {
        char name[MAX_NAME];
        size_t offset; /* of the whole entry (name, metadata) in the body */
        size_t size;
} protocol_entry_t;

typedef struct {
        char client_id[MAX_NAME];
        char group[MAX_NAME];
        int32_t session_timeout_ms;
        char member_id[MAX_NAME];
        char protocol_type[MAX_NAME];
        int protocol_cnt;
        protocol_entry_t protocols[MAX_PROTOCOLS];
} join_t;

static int parse_join(const unsigned char *body, size_t len, int version,
                      join_t *j) {
        reader_t r = reader(body, len);
        read_str(&r, j->client_id, 0);
        read_str(&r, j->group, 1);
        j->session_timeout_ms = read_i32(&r);
        if (version >= 1)
                (void)read_i32(&r); /* RebalanceTimeoutMs */
        read_str(&r, j->member_id, 1);
        if (version >= 5) {
                char instance[MAX_NAME];
                read_str(&r, instance, 0);
        }
        read_str(&r, j->protocol_type, 1);
        int32_t cnt = read_i32(&r);
        if (r.bad || cnt < 0 || cnt > MAX_PROTOCOLS)
                return -1;
        j->protocol_cnt = cnt;
        for (int i = 0; i < cnt; i++) {
                protocol_entry_t *e = &j->protocols[i];
                e->offset = (size_t)(r.p - r.start);
                read_str(&r, e->name, 1);
                skip_bytes(&r);
                e->size = (size_t)(r.p - r.start) - e->offset;
        }
        return r.bad ? -1 : 0;
}

/* Moves protocol k to the front of the protocol list, in place. */
static void move_first(unsigned char *body, join_t *j, int k) {
        protocol_entry_t *first = &j->protocols[0], *e = &j->protocols[k];
        unsigned char *entry = malloc(e->size);
        if (!entry)
                return;
        memcpy(entry, body + e->offset, e->size);
        memmove(body + first->offset + e->size, body + first->offset,
                e->offset - first->offset);
        memcpy(body + first->offset, entry, e->size);
        free(entry);
}

static void list_protocols(const join_t *j, char *out, size_t cap) {
        size_t n = 0;
        out[0] = '\0';
        for (int i = 0; i < j->protocol_cnt && n < cap; i++)
                n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "," : "",
                                      j->protocols[i].name);
}

static void push_join_error(rd_kafka_resp_err_t err) {
        rd_kafka_mock_push_request_errors(guard_cluster, API_JOIN_GROUP, 1,
                                          err);
}

static void on_join_group(conn_t *c, int fd) {
        join_t j;
        char offered[1024];
        /* An injected error is taken by this request whatever it holds; the
         * mock then refuses it before looking at the group. */
        if (queued_cnt > 0) {
                rd_kafka_resp_err_t err = queued_errors[queued_head];
                queued_head = (queued_head + 1) % MAX_QUEUED_ERRORS;
                queued_cnt--;
                if (err) {
                        push_join_error(err);
                        return;
                }
        }
        if (parse_join(c->body, c->length - REQUEST_HEADER_BYTES,
                       c->api_version, &j)) {
                note("JoinGroup v%d not understood (names over %d bytes or "
                     "over %d protocols?): passed on unguarded",
                     c->api_version, MAX_NAME - 1, MAX_PROTOCOLS);
                return;
        }
        group_t *g = find_group(j.group, 1);
        if (!g) {
                note("more than %d consumer groups: JoinGroup of %s passed "
                     "on unguarded",
                     MAX_GROUPS, j.group);
                return;
        }
        expire_members(g, now_ms());
        member_t *self = find_member(g, j.member_id);
        member_t *other = other_member(g, self);
        const char *why = NULL;
        int k = 0;
        list_protocols(&j, offered, sizeof offered);
        if (j.protocol_cnt == 0)
                why = "it offers no assignment protocol";
        else if (other && strcmp(g->protocol_type, j.protocol_type))
                why = "its protocol type differs from the group's";
        else if (other) {
                for (k = 0; k < j.protocol_cnt; k++)
                        if (!strcmp(j.protocols[k].name, other->protocol))
                                break;
                if (k == j.protocol_cnt)
                        why = "it does not offer the protocol the group's "
                              "members use";
        }
        if (why) {
                note("group %s: JoinGroup from %s (protocols %s) refused "
                     "with INCONSISTENT_GROUP_PROTOCOL: %s (%s), as real "
                     "Kafka does; librdkafka's mock cluster would abort",
                     j.group, j.client_id, offered, why,
                     other ? other->protocol : "none");
                push_join_error(ERR_INCONSISTENT_GROUP_PROTOCOL);
                if (!member_cnt(g))
                        g->used = 0;
                return;
        }
        if (k > 0) {
                note("group %s: protocol %s moved first in the JoinGroup "
                     "from %s (protocols %s): the group's members use it",
                     j.group, j.protocols[k].name, j.client_id, offered);
                move_first(c->body, &j, k);
        }
        if (!self && !(self = add_member(g))) {
                note("group %s has over %d members: JoinGroup passed on "
                     "unguarded",
                     j.group, MAX_MEMBERS);
                return;
        }
        if (!self->id[0])
                snprintf(self->id, sizeof self->id, "%s", j.member_id);
        snprintf(self->previous_protocol, sizeof self->previous_protocol,
                 "%s", self->protocol);
        snprintf(self->protocol, sizeof self->protocol, "%s",
                 j.protocols[k].name);
        if (!other)
                snprintf(g->protocol_type, sizeof g->protocol_type, "%s",
                         j.protocol_type);
        self->last_activity_ms = now_ms();
        self->session_timeout_ms = j.session_timeout_ms;
        g->session_timeout_ms = j.session_timeout_ms;
        self->join_fd = fd;
        self->join_corr_id = c->corr_id;
        add_pending(c, g->id, "");
}

static void on_join_group_response(int fd, const pending_t *p,
                                   reader_t *r) {
        group_t *g = find_group(p->group, 0);
        if (p->api_version >= 2)
                (void)read_i32(r); /* ThrottleTimeMs */
        int16_t err = read_i16(r);
        char protocol[MAX_NAME], leader[MAX_NAME], member_id[MAX_NAME];
        (void)read_i32(r); /* GenerationId */
        read_str(r, protocol, 0);
        read_str(r, leader, 0);
        read_str(r, member_id, 0);
        if (!g)
                return;
        for (int i = 0; i < MAX_MEMBERS; i++) {
                member_t *m = &g->members[i];
                if (!m->used || m->join_fd != fd ||
                    m->join_corr_id != p->corr_id)
                        continue;
                m->join_fd = -1;
                if (err || r->bad) {
                        /* The mock kept what it had before this JoinGroup. */
                        if (!m->confirmed)
                                forget_member(g, m);
                        else
                                memcpy(m->protocol, m->previous_protocol,
                                       sizeof m->protocol);
                        return;
                }
                m->confirmed = 1;
                if (!m->id[0])
                        snprintf(m->id, sizeof m->id, "%s", member_id);
                m->last_activity_ms = now_ms();
                return;
        }
}

static void on_leave_group_response(const pending_t *p, reader_t *r) {
        group_t *g = find_group(p->group, 0);
        if (p->api_version >= 1)
                (void)read_i32(r); /* ThrottleTimeMs */
        int16_t err = read_i16(r);
        member_t *m = g ? find_member(g, p->member_id) : NULL;
        if (!r->bad && !err && m)
                forget_member(g, m);
}

/* A whole request body is here, before the mock sees any of it. */
static void on_request(conn_t *c, int fd) {
        reader_t r = reader(c->body, c->length - REQUEST_HEADER_BYTES);
        char client_id[MAX_NAME], group[MAX_NAME], member_id[MAX_NAME];
        switch (c->api_key) {
        case API_JOIN_GROUP:
                on_join_group(c, fd);
                return;
        case API_HEARTBEAT:
        case API_SYNC_GROUP:
        case API_LEAVE_GROUP:
                read_str(&r, client_id, 0);
                read_str(&r, group, 1);
                if (c->api_key != API_LEAVE_GROUP)
                        (void)read_i32(&r); /* GenerationId */
                read_str(&r, member_id, 1);
                if (r.bad)
                        return;
                touch_member(group, member_id);
                if (c->api_key == API_LEAVE_GROUP)
                        add_pending(c, group, member_id);
                return;
        }
}

static void on_response(int fd, conn_t *c) {
        pending_t p = c->pending[c->rpending];
        memmove(&c->pending[c->rpending], &c->pending[c->rpending + 1],
                sizeof(pending_t) * (size_t)(c->pending_cnt - c->rpending - 1));
        c->pending_cnt--;
        reader_t r = reader(c->rbody, c->rbody_len);
        if (p.api_key == API_JOIN_GROUP)
                on_join_group_response(fd, &p, &r);
        else
                on_leave_group_response(&p, &r);
}

/* ---- following the byte streams ---------------------------------------- */

static int inspected_api(int16_t api_key, int16_t version) {
        switch (api_key) {
        case API_JOIN_GROUP:
                return version <= 5;
        case API_HEARTBEAT:
        case API_SYNC_GROUP:
                return version <= 3;
        case API_LEAVE_GROUP:
                return version <= 2;
        }
        return 0;
}

static void hold(conn_t *c, int holding) {
        __atomic_add_fetch(&held_conns, holding - c->holding, __ATOMIC_RELEASE);
        c->holding = holding;
}

static void next_request(conn_t *c) {
        hold(c, 0);
        free(c->body);
        c->body = NULL;
        c->pos = c->length = 0;
        c->inspect = 0;
        c->body_got = c->body_given = 0;
}

/* The request header is complete: size it, decide whether to inspect it. */
static void on_request_header(conn_t *c) {
        int32_t size = (int32_t)be32(c->header);
        c->api_key = (int16_t)(c->header[4] << 8 | c->header[5]);
        c->api_version = (int16_t)(c->header[6] << 8 | c->header[7]);
        c->corr_id = (int32_t)be32(c->header + 8);
        if (size < REQUEST_HEADER_BYTES - 4) {
                /* The mock closes such a connection. */
                c->lost = 1;
                return;
        }
        c->length = (size_t)size + 4;
        size_t body = c->length - REQUEST_HEADER_BYTES;
        c->inspect = guard_cluster && body > 0 && body <= MAX_INSPECTED_BODY &&
                     inspected_api(c->api_key, c->api_version);
        if (c->inspect && !(c->body = malloc(body)))
                c->inspect = 0;
        if (body == 0)
                next_request(c);
}

/* recvmsg() into msg's buffers, at most `limit` bytes. */
static ssize_t recv_at_most(int fd, struct msghdr *msg, int flags,
                            size_t limit) {
        struct iovec iov[64];
        struct msghdr m = *msg;
        size_t n = 0;
        for (size_t i = 0; i < msg->msg_iovlen && i < 64 && limit > 0; i++) {
                iov[n] = msg->msg_iov[i];
                if (iov[n].iov_len > limit)
                        iov[n].iov_len = limit;
                limit -= iov[n].iov_len;
                n++;
        }
        m.msg_iov = iov;
        m.msg_iovlen = n;
        ssize_t r = real_recvmsg(fd, &m, flags);
        msg->msg_flags = m.msg_flags;
        return r;
}

static size_t iov_total(const struct msghdr *msg) {
        size_t n = 0;
        for (size_t i = 0; i < msg->msg_iovlen; i++)
                n += msg->msg_iov[i].iov_len;
        return n;
}

/* Copies src into (when to_iov) or out of msg's buffers. */
static void iov_copy(const struct msghdr *msg, unsigned char *buf, size_t len,
                     int to_iov) {
        for (size_t i = 0; i < msg->msg_iovlen && len > 0; i++) {
                size_t n = msg->msg_iov[i].iov_len < len
                               ? msg->msg_iov[i].iov_len
                               : len;
                if (to_iov)
                        memcpy(msg->msg_iov[i].iov_base, buf, n);
                else
                        memcpy(buf, msg->msg_iov[i].iov_base, n);
                buf += n;
                len -= n;
        }
}

static ssize_t guarded_recvmsg(conn_t *c, int fd, struct msghdr *msg,
                               int flags) {
        size_t want = iov_total(msg);
        if (c->lost || want == 0)
                return real_recvmsg(fd, msg, flags);

        if (c->pos < REQUEST_HEADER_BYTES) {
                ssize_t r = recv_at_most(fd, msg, flags,
                                         REQUEST_HEADER_BYTES - c->pos);
                if (r <= 0)
                        return r;
                iov_copy(msg, c->header + c->pos, (size_t)r, 0);
                c->pos += (size_t)r;
                if (c->pos == REQUEST_HEADER_BYTES)
                        on_request_header(c);
                return r;
        }

        size_t left = c->length - c->pos;
        if (!c->inspect) {
                ssize_t r = recv_at_most(fd, msg, flags, left);
                if (r > 0 && (c->pos += (size_t)r) == c->length)
                        next_request(c);
                return r;
        }

        size_t body = c->length - REQUEST_HEADER_BYTES;
        if (c->body_got < body) {
                /* Read what has come of the body; the mock gets none of it
                 * before all of it is here. */
                struct iovec iov = {c->body + c->body_got, body - c->body_got};
                struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
                ssize_t r = real_recvmsg(fd, &m, flags);
                if (r <= 0)
                        return r;
                c->body_got += (size_t)r;
                if (c->body_got < body) {
                        errno = EAGAIN;
                        return -1;
                }
                on_request(c, fd);
                hold(c, 1);
        }
        size_t n = want < left ? want : left;
        iov_copy(msg, c->body + c->body_given, n, 1);
        c->body_given += n;
        c->pos += n;
        if (c->body_given == c->body_got)
                hold(c, 0);
        if (c->pos == c->length)
                next_request(c);
        return (ssize_t)n;
}

static void follow_response(int fd, conn_t *c, const unsigned char *p,
                            size_t n) {
        while (n > 0 && !c->lost) {
                if (c->rpos < RESPONSE_HEADER_BYTES) {
                        size_t take = RESPONSE_HEADER_BYTES - c->rpos;
                        if (take > n)
                                take = n;
                        memcpy(c->rheader + c->rpos, p, take);
                        c->rpos += take;
                        p += take;
                        n -= take;
                        if (c->rpos < RESPONSE_HEADER_BYTES)
                                return;
                        int32_t size = (int32_t)be32(c->rheader);
                        int32_t corr_id = (int32_t)be32(c->rheader + 4);
                        if (size < 4) {
                                c->lost = 1;
                                return;
                        }
                        c->rlength = (size_t)size + 4;
                        c->rbody_len = 0;
                        c->rpending = -1;
                        for (int i = 0; i < c->pending_cnt; i++)
                                if (c->pending[i].corr_id == corr_id)
                                        c->rpending = i;
                } else {
                        size_t take = c->rlength - c->rpos;
                        if (take > n)
                                take = n;
                        size_t keep = MAX_RESPONSE_CAPTURE - c->rbody_len;
                        if (c->rpending >= 0 && keep > 0) {
                                if (keep > take)
                                        keep = take;
                                memcpy(c->rbody + c->rbody_len, p, keep);
                                c->rbody_len += keep;
                        }
                        c->rpos += take;
                        p += take;
                        n -= take;
                }
                if (c->rpos == c->rlength) {
                        if (c->rpending >= 0)
                                on_response(fd, c);
                        c->rpos = c->rlength = 0;
                }
        }
}

static void forget_connection(int fd) {
        conn_t *c = tracked(fd);
        if (!c)
                return;
        hold(c, 0);
        /* A JoinGroup on it will not be answered; its member stays with
         * the mock until its session times out, and so here. */
        for (int g = 0; g < MAX_GROUPS; g++)
                for (int i = 0; i < MAX_MEMBERS; i++)
                        if (groups[g].members[i].join_fd == fd)
                                groups[g].members[i].join_fd = -1;
        free(c->body);
        free(c);
        set_tracked(fd, NULL);
}

/* ---- the hooks ---------------------------------------------------------- */

int accept(int fd, struct sockaddr *addr, socklen_t *addr_len) {
        pthread_once(&real_once, resolve_real);
        int s = real_accept(fd, addr, addr_len);
        if (s < 0)
                return s;
        pthread_mutex_lock(&guard_lock);
        /* Only the mock cluster calls accept() (the control port uses
         * accept4()): every socket from here is a broker connection. */
        if (guard_cluster) {
                forget_connection(s);
                conn_t *c =
                    s < MAX_TRACKED_FDS ? calloc(1, sizeof(conn_t)) : NULL;
                if (c) {
                        c->rpending = -1;
                        set_tracked(s, c);
                } else
                        note("connection on fd %d not guarded", s);
        }
        pthread_mutex_unlock(&guard_lock);
        return s;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
        pthread_once(&real_once, resolve_real);
        if (!tracked(fd))
                return real_recvmsg(fd, msg, flags);
        pthread_mutex_lock(&guard_lock);
        conn_t *c = tracked(fd);
        ssize_t r = c ? guarded_recvmsg(c, fd, msg, flags)
                      : real_recvmsg(fd, msg, flags);
        int saved = errno;
        pthread_mutex_unlock(&guard_lock);
        errno = saved;
        return r;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
        pthread_once(&real_once, resolve_real);
        ssize_t r = real_sendmsg(fd, msg, flags);
        int saved = errno;
        if (r > 0 && tracked(fd)) {
                pthread_mutex_lock(&guard_lock);
                conn_t *c = tracked(fd);
                size_t left = (size_t)r;
                for (size_t i = 0; c && i < msg->msg_iovlen && left > 0; i++) {
                        size_t n = msg->msg_iov[i].iov_len < left
                                       ? msg->msg_iov[i].iov_len
                                       : left;
                        follow_response(fd, c, msg->msg_iov[i].iov_base, n);
                        left -= n;
                }
                pthread_mutex_unlock(&guard_lock);
        }
        errno = saved;
        return r;
}

/* A connection whose request body the guard holds must look readable, or
 * the mock would wait for bytes that already came. */
int poll(struct pollfd *fds, nfds_t nfds, int timeout) {
        pthread_once(&real_once, resolve_real);
        /* Only the mock's thread holds bytes, and it polls after holding
         * them: it always sees its own count. */
        if (__atomic_load_n(&held_conns, __ATOMIC_ACQUIRE) == 0)
                return real_poll(fds, nfds, timeout);
        int held = 0;
        pthread_mutex_lock(&guard_lock);
        for (nfds_t i = 0; i < nfds; i++) {
                conn_t *c = tracked(fds[i].fd);
                held += c && c->holding && (fds[i].events & POLLIN);
        }
        pthread_mutex_unlock(&guard_lock);
        int r = real_poll(fds, nfds, held ? 0 : timeout);
        if (!held || r < 0)
                return r;
        int saved = errno;
        pthread_mutex_lock(&guard_lock);
        r = 0;
        for (nfds_t i = 0; i < nfds; i++) {
                conn_t *c = tracked(fds[i].fd);
                if (c && c->holding && (fds[i].events & POLLIN))
                        fds[i].revents |= POLLIN;
                r += fds[i].revents != 0;
        }
        pthread_mutex_unlock(&guard_lock);
        errno = saved;
        return r;
}

int close(int fd) {
        pthread_once(&real_once, resolve_real);
        if (tracked(fd)) {
                pthread_mutex_lock(&guard_lock);
                forget_connection(fd);
                pthread_mutex_unlock(&guard_lock);
        }
        return real_close(fd);
}

/* ---- used by launcher.c ------------------------------------------------- */

void group_guard_start(rd_kafka_mock_cluster_t *mcluster) {
        pthread_once(&real_once, resolve_real);
        pthread_mutex_lock(&guard_lock);
        guard_cluster = mcluster;
        pthread_mutex_unlock(&guard_lock);
}

/* Takes errors injected for JoinGroup requests (see the top of this file).
 * Returns 0 when it took them, -1 when the queue is full. */
int group_guard_queue_join_errors(size_t cnt,
                                  const rd_kafka_resp_err_t *errors) {
        int r = -1;
        pthread_mutex_lock(&guard_lock);
        if (queued_cnt + cnt <= MAX_QUEUED_ERRORS) {
                for (size_t i = 0; i < cnt; i++)
                        queued_errors[(queued_head + queued_cnt++) %
                                      MAX_QUEUED_ERRORS] = errors[i];
                r = 0;
        }
        pthread_mutex_unlock(&guard_lock);
        return r;
}
