#ifndef CMHD_SHIM_H
#define CMHD_SHIM_H
#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>

/* MHD_start_daemon is variadic, which Swift cannot call: fix the option list here. */
static inline struct MHD_Daemon *cmhd_start_daemon(unsigned int flags, uint16_t port,
        MHD_AccessHandlerCallback handler, void *handler_cls,
        MHD_RequestCompletedCallback completed, void *completed_cls,
        unsigned int thread_pool_size, unsigned int connection_timeout,
        size_t memory_limit, unsigned int connection_limit, const struct sockaddr *bind_addr) {
    if (bind_addr) {
        return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
            MHD_OPTION_CONNECTION_LIMIT, connection_limit,
            MHD_OPTION_SOCK_ADDR, bind_addr,
            MHD_OPTION_END);
    }
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
        MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
        MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        MHD_OPTION_END);
}

/* Close the client's side now (FIN): a stream cut mid-body must reach the client at once, even
   when MHD would only notice its own close on the socket's next event. */
static inline void cmhd_shutdown_socket(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info) { shutdown(info->connect_fd, SHUT_RDWR); }
}

/* Internal epoll thread pool, suspend/resume allowed, turbo (no per-request fcntl). */
static inline unsigned int cmhd_daemon_flags(void) {
    return MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;
}

/* The port the daemon actually bound (for --port 0). */
static inline uint16_t cmhd_bound_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/* Arrange for the connection to end with a TCP RST instead of a FIN (a "connection reset"). */
static inline void cmhd_set_linger_zero(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info) {
        struct linger l; l.l_onoff = 1; l.l_linger = 0;
        setsockopt(info->connect_fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
}

#endif
