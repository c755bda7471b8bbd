/*
 * Reference server for bench/run.sh: the smallest libmicrohttpd server configured like
 * openai-sim's SimServer (same daemon flags, thread pool of 2, same connection limits),
 * answering on the second access-handler call with a fixed JSON body of N bytes and the
 * same headers openai-sim sends on /v1 routes (content-type, x-request-id, openai-version,
 * openai-processing-ms, openai-organization, openai-project). Its req/s is the ceiling our Swift server is held to.
 *
 *   ref_server BODY_BYTES [PORT]      (PORT 0 or absent: pick a free port)
 *
 * Prints one line "http://127.0.0.1:PORT/v1" (flushed) once listening; runs until
 * SIGTERM/SIGINT. Any method is answered (request bodies are drained and discarded) so
 * POST rows of the benchmark can be compared too.
 */
#include <microhttpd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static char *body;
static size_t body_len;
static atomic_uint_fast64_t counter;
static uint64_t id_salt;

/* A fixed JSON object of exactly n bytes (n >= 2): {"pad":"xxxx"} padded, or {} when tiny. */
static char *make_body(size_t n) {
    char *b = malloc(n + 1);
    if (!b) return NULL;
    const char *head = "{\"object\":\"ref\",\"pad\":\"";
    const char *tail = "\"}";
    size_t hl = strlen(head), tl = strlen(tail);
    if (n < hl + tl) {
        /* Too small for the padded form: spaces inside an object are still valid JSON. */
        memset(b, ' ', n);
        if (n >= 2) { b[0] = '{'; b[n - 1] = '}'; }
    } else {
        memcpy(b, head, hl);
        memset(b + hl, 'x', n - hl - tl);
        memcpy(b + n - tl, tail, tl);
    }
    b[n] = 0;
    return b;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *connection, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_data_size, void **con_cls) {
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    static int marker;
    if (*con_cls == NULL) {
        /* First call: headers only. Answering here would make MHD close the connection. */
        *con_cls = &marker;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        *upload_data_size = 0; /* drain */
        return MHD_YES;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    uint64_t n = atomic_fetch_add(&counter, 1) + 1;
    char rid[40];
    snprintf(rid, sizeof rid, "req_%016llx%016llx", (unsigned long long)id_salt, (unsigned long long)n);
    MHD_add_response_header(r, "content-type", "application/json");
    MHD_add_response_header(r, "x-request-id", rid);
    MHD_add_response_header(r, "openai-version", "2020-10-01");
    MHD_add_response_header(r, "openai-processing-ms", "0");
    MHD_add_response_header(r, "openai-organization", "user-refrefrefref");
    MHD_add_response_header(r, "openai-project", "proj_refrefrefrefrefrefrefref");
    enum MHD_Result rc = MHD_queue_response(connection, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return rc;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t) {
    (void)cls; (void)c; (void)t;
    *con_cls = NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s BODY_BYTES [PORT]\n", argv[0]);
        return 2;
    }
    long n = strtol(argv[1], NULL, 10);
    long port = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    if (n < 0 || port < 0 || port > 65535) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    body_len = (size_t)n;
    body = make_body(body_len);
    if (!body) return 1;
    id_salt = (uint64_t)time(NULL) * 2654435761u;

    /* Block the stop signals before MHD starts its threads, so only sigwait sees them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);

    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;
    struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)2,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "ref_server: could not start the daemon\n");
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("ref_server listening on http://127.0.0.1:%u/v1 body_bytes=%zu\n", info ? info->port : 0, body_len);
    fflush(stdout);

    int sig = 0;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    free(body);
    return 0;
}
