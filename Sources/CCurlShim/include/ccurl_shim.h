#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// One HTTP exchange for simcurl_perform. Strings are NUL-terminated and only read during the call.
typedef struct simcurl_request {
    const char *method;
    const char *url;
    const char *const *headers;   /* "Name: value" lines */
    size_t header_count;
    const uint8_t *body;          /* in-memory body, or NULL */
    int64_t body_length;          /* < 0: no body */
    const char *body_path;        /* a file streamed as the body (body_length is its size), or NULL */
    long connect_timeout;         /* seconds, 0 = libcurl's default */
    long idle_timeout;            /* seconds without a byte before giving up, 0 = never */
    long total_timeout;           /* seconds for the whole exchange, 0 = never */
    int fresh_connection;         /* 1: a new connection, closed afterwards */
    int follow_redirects;
    void *context;
    /* One raw header line (status lines included, CRLF included). */
    void (*on_header)(void *context, const char *line, size_t length);
    /* A chunk of the (decoded) body; return 0 to abort the transfer. */
    int (*on_data)(void *context, const uint8_t *data, size_t length);
    /* Called about once a second and on progress; return non-zero to abort the transfer. */
    int (*should_abort)(void *context);
} simcurl_request;

#define SIMCURL_NOT_LOADED (-1)
#define SIMCURL_TIMED_OUT 28      /* CURLE_OPERATION_TIMEDOUT */
#define SIMCURL_ABORTED 42        /* CURLE_ABORTED_BY_CALLBACK */
#define SIMCURL_WRITE_ABORTED 23  /* CURLE_WRITE_ERROR (on_data returned 0) */

/// Loads libcurl (dlopen, once); returns 1 when it is usable. On failure `error` says why.
int simcurl_load(const char **error);

/// Runs `request` to the end on the calling thread. Returns 0 on success, SIMCURL_NOT_LOADED when
/// libcurl cannot be loaded, else libcurl's error code; `message` (at least 256 bytes) gets the
/// reason and `status` the final HTTP status (0 when none arrived).
int simcurl_perform(const simcurl_request *request, long *status, char *message);

#endif
