// libcurl through dlopen: the simulator maps libcurl (and the OpenSSL, Kerberos and LDAP libraries
// it pulls in) only when a command needs an HTTP client (`serve --record`, `check`), not at start.
// libcurl.so.4 is present wherever Swift's FoundationNetworking runs (it links it). The option
// numbers are libcurl's stable ABI (curl/curl.h), repeated here so no -dev package is needed.
#define _GNU_SOURCE
#include "ccurl_shim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef void CURL;
struct curl_slist;

enum {
    OPT_WRITEDATA = 10001, OPT_URL = 10002, OPT_READDATA = 10009, OPT_ERRORBUFFER = 10010,
    OPT_WRITEFUNCTION = 20011, OPT_READFUNCTION = 20012, OPT_TIMEOUT = 13, OPT_POSTFIELDS = 10015,
    OPT_LOW_SPEED_LIMIT = 19, OPT_LOW_SPEED_TIME = 20, OPT_HTTPHEADER = 10023, OPT_HEADERDATA = 10029,
    OPT_CUSTOMREQUEST = 10036, OPT_NOPROGRESS = 43, OPT_NOBODY = 44, OPT_POST = 47,
    OPT_FOLLOWLOCATION = 52, OPT_MAXREDIRS = 68, OPT_FRESH_CONNECT = 74, OPT_FORBID_REUSE = 75,
    OPT_CONNECTTIMEOUT = 78, OPT_HTTPGET = 80, OPT_HEADERFUNCTION = 20079, OPT_NOSIGNAL = 99,
    OPT_ACCEPT_ENCODING = 10102, OPT_POSTREDIR = 161, OPT_XFERINFODATA = 10057,
    OPT_XFERINFOFUNCTION = 20219, OPT_POSTFIELDSIZE_LARGE = 30120,
};
#define INFO_RESPONSE_CODE 0x200002
#define GLOBAL_ALL 3
#define REDIR_POST_ALL 7
#define READFUNC_ABORT 0x10000000

static struct {
    int (*global_init)(long);
    CURL *(*easy_init)(void);
    int (*easy_setopt)(CURL *, int, ...);
    int (*easy_perform)(CURL *);
    int (*easy_getinfo)(CURL *, int, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(int);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;
static int loaded;
static char load_error[256];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    static const char *names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"};
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "cannot load libcurl (install libcurl4): %s", e ? e : "not found");
        return;
    }
#define SYM(field, name) if (!(*(void **)&api.field = dlsym(lib, name))) { \
        snprintf(load_error, sizeof load_error, "libcurl has no %s", name); return; }
    SYM(global_init, "curl_global_init")
    SYM(easy_init, "curl_easy_init")
    SYM(easy_setopt, "curl_easy_setopt")
    SYM(easy_perform, "curl_easy_perform")
    SYM(easy_getinfo, "curl_easy_getinfo")
    SYM(easy_cleanup, "curl_easy_cleanup")
    SYM(easy_strerror, "curl_easy_strerror")
    SYM(slist_append, "curl_slist_append")
    SYM(slist_free_all, "curl_slist_free_all")
#undef SYM
    if (api.global_init(GLOBAL_ALL) != 0) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed");
        return;
    }
    loaded = 1;
}

int simcurl_load(const char **error) {
    pthread_once(&load_once, load);
    if (!loaded && error) *error = load_error;
    return loaded;
}

typedef struct {
    const simcurl_request *request;
    FILE *file;
    int64_t offset;
} exchange;

static size_t on_write(char *data, size_t size, size_t count, void *userdata) {
    exchange *x = userdata;
    size_t n = size * count;
    return x->request->on_data(x->request->context, (const uint8_t *)data, n) ? n : 0;
}

static size_t on_header(char *data, size_t size, size_t count, void *userdata) {
    exchange *x = userdata;
    size_t n = size * count;
    x->request->on_header(x->request->context, data, n);
    return n;
}

static size_t on_read(char *buffer, size_t size, size_t count, void *userdata) {
    exchange *x = userdata;
    size_t room = size * count;
    if (x->file) {
        size_t n = fread(buffer, 1, room, x->file);
        return (n == 0 && ferror(x->file)) ? READFUNC_ABORT : n;
    }
    int64_t left = x->request->body_length - x->offset;
    size_t n = left < (int64_t)room ? (size_t)left : room;
    if (n) memcpy(buffer, x->request->body + x->offset, n);
    x->offset += (int64_t)n;
    return n;
}

static int on_progress(void *userdata, int64_t dltotal, int64_t dlnow, int64_t ultotal, int64_t ulnow) {
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    exchange *x = userdata;
    return x->request->should_abort(x->request->context) ? 1 : 0;
}

int simcurl_perform(const simcurl_request *r, long *status, char *message) {
    *status = 0;
    message[0] = 0;
    const char *error = NULL;
    if (!simcurl_load(&error)) {
        snprintf(message, 256, "%s", error);
        return SIMCURL_NOT_LOADED;
    }
    exchange x = {r, NULL, 0};
    int has_body = r->body_length >= 0;
    if (has_body && r->body_path) {
        x.file = fopen(r->body_path, "rb");
        if (!x.file) {
            snprintf(message, 256, "cannot open %s", r->body_path);
            return 26; /* CURLE_READ_ERROR */
        }
    }
    CURL *c = api.easy_init();
    if (!c) {
        if (x.file) fclose(x.file);
        snprintf(message, 256, "curl_easy_init failed");
        return 2; /* CURLE_FAILED_INIT */
    }
    struct curl_slist *headers = NULL;
    for (size_t i = 0; i < r->header_count; i++) headers = api.slist_append(headers, r->headers[i]);

    api.easy_setopt(c, OPT_URL, r->url);
    api.easy_setopt(c, OPT_NOSIGNAL, 1L);
    api.easy_setopt(c, OPT_ERRORBUFFER, message);
    api.easy_setopt(c, OPT_HTTPHEADER, headers);
    api.easy_setopt(c, OPT_ACCEPT_ENCODING, ""); /* every encoding libcurl decodes, decoded */
    api.easy_setopt(c, OPT_WRITEFUNCTION, on_write);
    api.easy_setopt(c, OPT_WRITEDATA, &x);
    api.easy_setopt(c, OPT_HEADERFUNCTION, on_header);
    api.easy_setopt(c, OPT_HEADERDATA, &x);
    api.easy_setopt(c, OPT_NOPROGRESS, 0L);
    api.easy_setopt(c, OPT_XFERINFOFUNCTION, on_progress);
    api.easy_setopt(c, OPT_XFERINFODATA, &x);
    if (r->connect_timeout > 0) api.easy_setopt(c, OPT_CONNECTTIMEOUT, r->connect_timeout);
    if (r->total_timeout > 0) api.easy_setopt(c, OPT_TIMEOUT, r->total_timeout);
    if (r->idle_timeout > 0) {
        api.easy_setopt(c, OPT_LOW_SPEED_LIMIT, 1L);
        api.easy_setopt(c, OPT_LOW_SPEED_TIME, r->idle_timeout);
    }
    if (r->fresh_connection) {
        api.easy_setopt(c, OPT_FRESH_CONNECT, 1L);
        api.easy_setopt(c, OPT_FORBID_REUSE, 1L);
    }
    if (r->follow_redirects) {
        api.easy_setopt(c, OPT_FOLLOWLOCATION, 1L);
        api.easy_setopt(c, OPT_MAXREDIRS, 10L);
        api.easy_setopt(c, OPT_POSTREDIR, (long)REDIR_POST_ALL);
    }
    if (strcasecmp(r->method, "HEAD") == 0) {
        api.easy_setopt(c, OPT_NOBODY, 1L);
    } else if (!has_body && strcasecmp(r->method, "GET") == 0) {
        api.easy_setopt(c, OPT_HTTPGET, 1L);
    } else {
        if (has_body || strcasecmp(r->method, "POST") == 0 || strcasecmp(r->method, "PUT") == 0 ||
            strcasecmp(r->method, "PATCH") == 0) {
            /* A POST carries Content-Length even when empty; the body is streamed by on_read. */
            api.easy_setopt(c, OPT_POST, 1L);
            api.easy_setopt(c, OPT_POSTFIELDSIZE_LARGE, (int64_t)(has_body ? r->body_length : 0));
            if (has_body) {
                api.easy_setopt(c, OPT_READFUNCTION, on_read);
                api.easy_setopt(c, OPT_READDATA, &x);
            } else {
                api.easy_setopt(c, OPT_POSTFIELDS, "");
            }
        }
        if (strcasecmp(r->method, "POST") != 0) api.easy_setopt(c, OPT_CUSTOMREQUEST, r->method);
    }

    int code = api.easy_perform(c);
    api.easy_getinfo(c, INFO_RESPONSE_CODE, status);
    if (code != 0 && message[0] == 0) snprintf(message, 256, "%s", api.easy_strerror(code));
    api.easy_cleanup(c);
    api.slist_free_all(headers);
    if (x.file) fclose(x.file);
    return code;
}
