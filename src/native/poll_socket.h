/*
 * What both of Vigil's native UDP sockets share (src/sim/native/shared_udp.c, src/snmp/native/batch_udp.c):
 * N-API error helpers, and a socket's lifecycle. A socket is driven by a libuv poll handle and named in
 * JS by an external value. It is freed only once both libuv has closed its handle and the JS value is
 * gone (the external's finalizer), so a call through a stale value after close reads "closed", never
 * freed memory; a value dropped without close is closed by its finalizer.
 *
 * Each socket struct begins with a `poll_socket` (so a pointer to one is a pointer to the other).
 */
#ifndef VIGIL_POLL_SOCKET_H
#define VIGIL_POLL_SOCKET_H

#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(env, call)                                         \
  do {                                                           \
    if ((call) != napi_ok) {                                     \
      napi_throw_error((env), NULL, "napi call failed: " #call); \
      return NULL;                                               \
    }                                                            \
  } while (0)

typedef struct poll_socket poll_socket;
struct poll_socket {
  uv_poll_t poll;
  int fd; /* -1 once closed */
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int uv_closed;
  int finalized;
  /* Frees what the socket owns besides itself (its buffers), once libuv has closed it. */
  void (*release)(poll_socket *s);
};

static napi_value throw_errno(napi_env env, const char *what, int error) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(error));
  napi_throw_error(env, NULL, message);
  return NULL;
}

/* The open socket a JS value names; NULL (an exception pending) if it names none or a closed one. */
static void *poll_socket_unwrap(napi_env env, napi_value value, const char *what) {
  void *data = NULL;
  char message[80];
  if (napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    snprintf(message, sizeof message, "not an open %s", what);
    napi_throw_type_error(env, NULL, message);
    return NULL;
  }
  if (((poll_socket *)data)->fd < 0) {
    snprintf(message, sizeof message, "%s is closed", what);
    napi_throw_error(env, NULL, message);
    return NULL;
  }
  return data;
}

static void poll_socket_after_close(uv_handle_t *handle) {
  poll_socket *s = (poll_socket *)handle->data;
  if (s->callback != NULL) napi_delete_reference(s->env, s->callback);
  if (s->context != NULL) napi_async_destroy(s->env, s->context);
  if (s->release != NULL) s->release(s);
  s->uv_closed = 1;
  if (s->finalized) free(s);
}

/* Closes the socket now; libuv's close of its handle follows on the loop. */
static void poll_socket_stop(poll_socket *s) {
  if (s->fd < 0) return;
  uv_poll_stop(&s->poll);
  close(s->fd);
  s->fd = -1;
  uv_close((uv_handle_t *)&s->poll, poll_socket_after_close);
}

static void poll_socket_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  poll_socket *s = data;
  s->finalized = 1;
  if (s->fd >= 0) poll_socket_stop(s);
  else if (s->uv_closed) free(s);
}

/*
 * Starts polling a socket whose `fd`, `poll` (initialised) and `release` are set: takes `callback`,
 * names the async context, makes the JS value. On failure the socket is closed and freed, NULL returned
 * with an exception pending.
 */
static napi_value poll_socket_start(napi_env env, poll_socket *s, napi_value callback, const char *name,
                                    uv_poll_cb on_readable) {
  napi_value resource_name, handle;
  s->env = env;
  s->poll.data = s;
  if (napi_create_reference(env, callback, 1, &s->callback) != napi_ok ||
      napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
      napi_async_init(env, NULL, resource_name, &s->context) != napi_ok ||
      napi_create_external(env, s, poll_socket_finalize, NULL, &handle) != napi_ok) {
    /* Nothing in JS names it yet: freed once libuv has closed it. */
    s->finalized = 1;
    poll_socket_stop(s);
    napi_throw_error(env, NULL, "open: a napi call failed");
    return NULL;
  }
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
  return handle;
}

/* Closes the socket a JS value names (close(handle)). */
static napi_value poll_socket_close(napi_env env, napi_callback_info info, const char *what) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  poll_socket *s = poll_socket_unwrap(env, argv[0], what);
  if (s == NULL) return NULL;
  poll_socket_stop(s);
  return NULL;
}

#endif
