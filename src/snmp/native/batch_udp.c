/*
 * The poller's UDP socket, with datagrams sent and received in batches: sendmmsg and recvmmsg move
 * up to BATCH datagrams a system call, where Node's dgram makes one call (and, on receipt, one JS
 * callback with an address string and an rinfo object) per datagram. Linux only; elsewhere the
 * transport keeps to dgram (src/snmp/batch-socket.ts).
 *
 * open(receiveBufferBytes, onBatch) -> handle
 *   onBatch(data, meta, count): `data` holds `count` datagrams one after the other, a copy; `meta`
 *   (Uint32Array) holds, per datagram, its sender's IPv4 address (host order), port, offset in `data`
 *   and length. A datagram longer than the space a slot has is dropped, never cut.
 * send(handle, data, meta, count, results) -> datagrams sent
 *   `meta` per datagram: destination address (host order), port, offset in `data`, length.
 *   `results` (Int32Array, count long) gets 0 (sent), -errno (refused: it is gone) or 1 (not sent:
 *   the socket's send buffer is full, EAGAIN or ENOBUFS; every datagram after it is 1 too, to be sent
 *   again later in the same order).
 * port(handle) -> the local port the socket is bound to
 * close(handle)
 */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include "../../native/poll_socket.h"
#include <node_api.h>
#include <uv.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Datagrams a system call moves at most. */
#define BATCH 64
/* A slot holds the largest UDP payload over IPv4, so no answer is ever cut. */
#define SLOT 65507
/* Batches read per readable event before yielding to the rest of the loop. */
#define BATCHES_PER_EVENT 8

typedef struct {
  poll_socket base; /* first: the lifecycle in poll_socket.h */
  unsigned char *slots; /* BATCH * SLOT bytes */
  struct mmsghdr messages[BATCH];
  struct iovec vectors[BATCH];
  struct sockaddr_in senders[BATCH];
} batch_socket;

/* One JS call for the batch: its datagrams copied into one buffer, their senders into one array. */
static void deliver(batch_socket *s, int count) {
  napi_env env = s->base.env;
  size_t total = 0;
  int kept = 0;
  for (int i = 0; i < count; i++)
    if (!(s->messages[i].msg_hdr.msg_flags & MSG_TRUNC)) total += s->messages[i].msg_len;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, global, argv[3], meta_buffer, result;
  void *data, *meta_data;
  if (napi_get_reference_value(env, s->base.callback, &callback) == napi_ok && callback != NULL &&
      napi_get_global(env, &global) == napi_ok &&
      napi_create_buffer(env, total > 0 ? total : 1, &data, &argv[0]) == napi_ok &&
      napi_create_arraybuffer(env, (size_t)count * 4 * sizeof(uint32_t), &meta_data, &meta_buffer) == napi_ok &&
      napi_create_typedarray(env, napi_uint32_array, (size_t)count * 4, meta_buffer, 0, &argv[1]) == napi_ok) {
    uint32_t *meta = meta_data;
    size_t at = 0;
    for (int i = 0; i < count; i++) {
      if (s->messages[i].msg_hdr.msg_flags & MSG_TRUNC) continue;
      unsigned int length = s->messages[i].msg_len;
      memcpy((unsigned char *)data + at, s->slots + (size_t)i * SLOT, length);
      meta[4 * kept] = ntohl(s->senders[i].sin_addr.s_addr);
      meta[4 * kept + 1] = ntohs(s->senders[i].sin_port);
      meta[4 * kept + 2] = (uint32_t)at;
      meta[4 * kept + 3] = length;
      at += length;
      kept++;
    }
    if (kept > 0 && napi_create_uint32(env, (uint32_t)kept, &argv[2]) == napi_ok &&
        napi_make_callback(env, s->base.context, global, callback, 3, argv, &result) == napi_pending_exception) {
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  batch_socket *s = (batch_socket *)poll->data;
  if (status < 0 || !(events & UV_READABLE)) return;
  for (int round = 0; round < BATCHES_PER_EVENT && s->base.fd >= 0; round++) {
    for (int i = 0; i < BATCH; i++) {
      s->vectors[i].iov_base = s->slots + (size_t)i * SLOT;
      s->vectors[i].iov_len = SLOT;
      memset(&s->messages[i].msg_hdr, 0, sizeof s->messages[i].msg_hdr);
      s->messages[i].msg_hdr.msg_name = &s->senders[i];
      s->messages[i].msg_hdr.msg_namelen = sizeof s->senders[i];
      s->messages[i].msg_hdr.msg_iov = &s->vectors[i];
      s->messages[i].msg_hdr.msg_iovlen = 1;
    }
    int count = recvmmsg(s->base.fd, s->messages, BATCH, MSG_DONTWAIT, NULL);
    /* EAGAIN: drained. Anything else (an ICMP error queued on the socket) is retried on the next event. */
    if (count <= 0) return;
    deliver(s, count);
    if (count < BATCH) return;
  }
}


static void release_slots(poll_socket *base) {
  batch_socket *s = (batch_socket *)base;
  free(s->slots);
  s->slots = NULL;
}

static napi_value open_socket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t receive_buffer;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, NULL, "open(receiveBufferBytes, onBatch)");
    return NULL;
  }
  CHECK(env, napi_get_value_uint32(env, argv[0], &receive_buffer));
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  int size = (int)receive_buffer;
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = 0;
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (size > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0) {
    int error = errno;
    close(fd);
    return throw_errno(env, "setsockopt SO_RCVBUF", error);
  }
  if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
    int error = errno;
    close(fd);
    return throw_errno(env, "bind", error);
  }
  batch_socket *s = calloc(1, sizeof *s);
  unsigned char *slots = malloc((size_t)BATCH * SLOT);
  if (s == NULL || slots == NULL) {
    free(s);
    free(slots);
    close(fd);
    return throw_errno(env, "open", ENOMEM);
  }
  uv_loop_t *loop;
  s->base.fd = fd;
  s->base.release = release_slots;
  s->slots = slots;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &s->base.poll, fd) != 0) {
    close(fd);
    free(slots);
    free(s);
    return throw_errno(env, "uv_poll_init", EINVAL);
  }
  return poll_socket_start(env, &s->base, argv[1], "vigil:batch-udp", on_readable);
}

static batch_socket *unwrap(napi_env env, napi_value value) {
  return poll_socket_unwrap(env, value, "batch socket");
}

static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], result;
  uint32_t count;
  void *data, *meta_data, *results_data;
  size_t length, meta_length, results_length, meta_offset, results_offset;
  napi_typedarray_type meta_type, results_type;
  napi_value meta_buffer, results_buffer;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "send(handle, data, meta, count, results)");
    return NULL;
  }
  batch_socket *s = unwrap(env, argv[0]);
  if (s == NULL) return NULL;
  CHECK(env, napi_get_buffer_info(env, argv[1], &data, &length));
  CHECK(env, napi_get_typedarray_info(env, argv[2], &meta_type, &meta_length, &meta_data, &meta_buffer,
                                      &meta_offset));
  CHECK(env, napi_get_value_uint32(env, argv[3], &count));
  CHECK(env, napi_get_typedarray_info(env, argv[4], &results_type, &results_length, &results_data,
                                      &results_buffer, &results_offset));
  if (meta_type != napi_uint32_array || results_type != napi_int32_array || meta_length < (size_t)count * 4 ||
      results_length < count) {
    napi_throw_type_error(env, NULL, "send: meta must be a Uint32Array of 4 per datagram, results an Int32Array");
    return NULL;
  }
  const uint32_t *meta = meta_data;
  int32_t *results = results_data;
  for (uint32_t i = 0; i < count; i++) {
    uint64_t end = (uint64_t)meta[4 * i + 2] + meta[4 * i + 3];
    if (end > length || meta[4 * i + 1] > 65535) {
      napi_throw_range_error(env, NULL, "send: a datagram lies outside its buffer, or a port above 65535");
      return NULL;
    }
  }
  struct mmsghdr messages[BATCH];
  struct iovec vectors[BATCH];
  struct sockaddr_in destinations[BATCH];
  uint32_t sent = 0;
  uint32_t next = 0;
  while (next < count) {
    uint32_t n = count - next < BATCH ? count - next : BATCH;
    for (uint32_t j = 0; j < n; j++) {
      const uint32_t *m = meta + 4 * (next + j);
      memset(&destinations[j], 0, sizeof destinations[j]);
      destinations[j].sin_family = AF_INET;
      destinations[j].sin_addr.s_addr = htonl(m[0]);
      destinations[j].sin_port = htons((uint16_t)m[1]);
      vectors[j].iov_base = (unsigned char *)data + m[2];
      vectors[j].iov_len = m[3];
      memset(&messages[j], 0, sizeof messages[j]);
      messages[j].msg_hdr.msg_name = &destinations[j];
      messages[j].msg_hdr.msg_namelen = sizeof destinations[j];
      messages[j].msg_hdr.msg_iov = &vectors[j];
      messages[j].msg_hdr.msg_iovlen = 1;
    }
    int done = sendmmsg(s->base.fd, messages, n, MSG_DONTWAIT);
    if (done == 0) done = -1, errno = EAGAIN; /* not seen on Linux; never loop on it */
    if (done < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
      for (uint32_t j = next; j < count; j++) results[j] = 1;
      break;
    }
    if (done < 0) {
      /* The first datagram was refused (an unreachable network, a bad port): say so, go past it. */
      results[next] = -errno;
      next += 1;
      continue;
    }
    for (int j = 0; j < done; j++) results[next + j] = 0;
    sent += (uint32_t)done;
    next += (uint32_t)done;
  }
  CHECK(env, napi_create_uint32(env, sent, &result));
  return result;
}

static napi_value local_port(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  batch_socket *s = unwrap(env, argv[0]);
  if (s == NULL) return NULL;
  struct sockaddr_in address;
  socklen_t length = sizeof address;
  if (getsockname(s->base.fd, (struct sockaddr *)&address, &length) < 0) return throw_errno(env, "getsockname", errno);
  CHECK(env, napi_create_uint32(env, ntohs(address.sin_port), &result));
  return result;
}

static napi_value close_socket(napi_env env, napi_callback_info info) {
  return poll_socket_close(env, info, "batch socket");
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"open", NULL, open_socket, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, send_batch, NULL, NULL, NULL, napi_default, NULL},
      {"port", NULL, local_port, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_socket, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 4, properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
